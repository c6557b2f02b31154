// Between the two XML models of the layers below: src/coex keeps its own plain element type
// (so that it stays free of any XMPP library), src/xmpp uses @xmpp/client's elements. The
// endpoint is the one place that holds both, so the conversion lives here.

import {
  type XmlElement as CoexElement,
  type XmlNode as CoexNode,
  element as coexElement,
} from "../coex/index.js";
import { type XmlElement as StanzaElement, xml } from "../xmpp/index.js";

/** A coex element as an element of the XMPP layer, ready to put in a stanza. */
export function toStanzaElement(el: CoexElement): StanzaElement {
  const out = new xml.Element(el.name, { ...el.attrs });
  for (const child of el.children) {
    out.append(typeof child === "string" ? child : toStanzaElement(child));
  }
  return out;
}

/**
 * An element of a received stanza as a coex element. The namespace the element inherits from
 * its parent is written onto it, so coex's readers see the same namespace the stanza meant.
 */
export function toCoexElement(el: StanzaElement): CoexElement {
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(el.attrs)) {
    if (typeof v === "string") attrs[k] = v;
    else if (typeof v === "number") attrs[k] = String(v);
  }
  const ns = el.getNS();
  if (attrs.xmlns === undefined && ns) attrs.xmlns = ns;
  const children: CoexNode[] = el.children.map((c) =>
    typeof c === "string" ? c : toCoexElement(c),
  );
  return coexElement(el.name, attrs, children);
}
