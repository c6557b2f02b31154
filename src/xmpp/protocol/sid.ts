// XEP-0359 Unique and Stable Stanza IDs: <origin-id/> chosen by the sender, <stanza-id by=…/>
// stamped by an archiving entity (the server, for MAM).
import { attr, type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";

export interface StanzaId {
  readonly id: string;
  /** The entity that assigned it; only trust ids 'by' your own server (§4). */
  readonly by: string;
}

export function buildOriginId(id: string): XmlElement {
  return xml("origin-id", { xmlns: NS.sid, id });
}

export function parseOriginId(message: XmlElement): string | undefined {
  const el = message.getChild("origin-id", NS.sid);
  return el ? attr(el, "id") : undefined;
}

export function parseStanzaIds(message: XmlElement): StanzaId[] {
  return message.getChildren("stanza-id", NS.sid).flatMap((el) => {
    const stanzaId = stanzaIdOf(el);
    return stanzaId ? [stanzaId] : [];
  });
}

/** A <stanza-id/> element's id and assigner, or undefined when either is missing. */
export function stanzaIdOf(el: XmlElement): StanzaId | undefined {
  const id = attr(el, "id");
  const by = attr(el, "by");
  return id && by ? { id, by } : undefined;
}
