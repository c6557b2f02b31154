// XEP-0280 Message Carbons: enable/disable IQs, <sent/>/<received/> wrappers and <private/>.
import { type XmlElement, xml } from "../xml.js";
import { type Forwarded, parseForwarded } from "./forward.js";
import { NS } from "./namespaces.js";

export function buildCarbonsEnable(): XmlElement {
  return xml("iq", { type: "set" }, xml("enable", { xmlns: NS.carbons }));
}

export function buildCarbonsDisable(): XmlElement {
  return xml("iq", { type: "set" }, xml("disable", { xmlns: NS.carbons }));
}

/** §6: a message marked private is not copied to other resources. */
export function buildCarbonsPrivate(): XmlElement {
  return xml("private", { xmlns: NS.carbons });
}

export interface CarbonCopy {
  readonly direction: "sent" | "received";
  readonly forwarded: Forwarded;
}

/** The carbon copy a message wraps, if any. */
export function parseCarbon(message: XmlElement): CarbonCopy | undefined {
  for (const direction of ["sent", "received"] as const) {
    const wrapper = message.getChild(direction, NS.carbons);
    if (!wrapper) continue;
    const forwarded = parseForwarded(wrapper);
    return forwarded ? { direction, forwarded } : undefined;
  }
  return undefined;
}
