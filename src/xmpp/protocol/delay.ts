// XEP-0203 Delayed Delivery: <delay stamp='XEP-0082 datetime' from='…'/>.
import { attr, type XmlElement } from "../xml.js";
import { NS } from "./namespaces.js";

export interface Delay {
  readonly stamp: Date;
  readonly from?: string;
}

export function parseDelay(el: XmlElement): Delay | undefined {
  const delay = el.getChild("delay", NS.delay);
  return delay ? delayOf(delay) : undefined;
}

/** What a <delay/> element says, or undefined when its stamp is not a date. */
export function delayOf(delay: XmlElement): Delay | undefined {
  const stamp = new Date(attr(delay, "stamp") ?? "");
  if (Number.isNaN(stamp.getTime())) return undefined;
  const from = attr(delay, "from");
  return from ? { stamp, from } : { stamp };
}
