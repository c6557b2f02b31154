// The first look at every stanza the server sends, before @xmpp/client or any feature module
// sees it: stanzas that could crash or mislead the layers above (an unparsable 'from' or 'to',
// more bytes than we accept) are dropped with a log line. Unknown child elements and odd
// attribute values pass: the feature modules read them liberally.
import { parseJid } from "./jid.js";
import type { XmlElement } from "./xml.js";

export const DEFAULT_MAX_STANZA_BYTES = 256 * 1024;

const STANZAS = new Set(["message", "presence", "iq"]);

export function isStanza(el: XmlElement): boolean {
  return STANZAS.has(el.name);
}

/** Why a stanza must be dropped, or null when it may pass. */
export function inboundProblem(el: XmlElement, maxBytes: number): string | null {
  if (!isStanza(el)) return null;
  for (const name of ["from", "to"] as const) {
    const value = el.attrs[name];
    if (value !== undefined && value !== "" && !parseJid(value)) {
      return `'${name}' is not a JID (${JSON.stringify(String(value).slice(0, 80))})`;
    }
  }
  // Characters of names, attributes and text never exceed the stanza's UTF-8 bytes, so this
  // lower bound is enough to enforce the limit, and far cheaper than serialising each stanza.
  const size = contentSize(el, maxBytes);
  if (size > maxBytes) return `it holds at least ${size} bytes, over the ${maxBytes}-byte limit`;
  return null;
}

/** Characters in an element's names, attributes and text; stops counting once over `cap`. */
function contentSize(el: XmlElement, cap: number): number {
  let size = el.name.length;
  const attrs = el.attrs;
  for (const name in attrs) {
    const value = attrs[name];
    size += name.length + (typeof value === "string" ? value.length : String(value ?? "").length);
  }
  for (const child of el.children) {
    if (size > cap) break;
    size += typeof child === "string" ? child.length : contentSize(child, cap - size);
  }
  return size;
}

/** A short description of a stanza for log lines, without its content. */
export function describeStanza(el: XmlElement): string {
  const { from, type, id } = el.attrs;
  return `<${el.name}${type ? ` type='${type}'` : ""}${id ? ` id='${String(id).slice(0, 40)}'` : ""}${
    from ? ` from='${String(from).slice(0, 80)}'` : ""
  }>`;
}
