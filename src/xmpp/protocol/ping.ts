// XEP-0199 XMPP Ping: <iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>.
import { type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";

export function buildPing(to?: string): XmlElement {
  return xml("iq", { type: "get", to }, xml("ping", { xmlns: NS.ping }));
}
