// XEP-0297 Stanza Forwarding: <forwarded><delay/>?<message/></forwarded>, the envelope of
// carbons (XEP-0280) and archive results (XEP-0313).
import type { XmlElement } from "../xml.js";
import { type Delay, parseDelay } from "./delay.js";
import { NS } from "./namespaces.js";

export interface Forwarded {
  readonly delay?: Delay;
  readonly message: XmlElement;
}

export function parseForwarded(container: XmlElement): Forwarded | undefined {
  const fwd = container.getChild("forwarded", NS.forward);
  if (!fwd) return undefined;
  // The forwarded stanza keeps the jabber:client namespace (§3).
  const message = fwd.getChildElements().find((c) => c.name === "message");
  if (!message) return undefined;
  const delay = parseDelay(fwd);
  return delay ? { delay, message } : { message };
}
