// The XML element type and builder every module of src/xmpp uses: @xmpp/client's own (ltx)
// elements, typed by our declarations in vendor/xmpp-client.d.ts, plus the few helpers the
// wire-format modules share.
import { type Element, xml } from "@xmpp/client";

export type XmlElement = Element;
export { xml };

/** Parses one standalone element (a stanza as text), or throws saying why it is not XML. */
export function parseXml(text: string): XmlElement {
  const parser = new xml.Parser();
  let found: XmlElement | undefined;
  let failure: Error | undefined;
  parser.on("element", (el) => {
    found ??= el;
  });
  parser.on("error", (err) => {
    failure ??= err;
  });
  // The stream parser reports children of a root element; wrap the text in one.
  parser.write(`<wrapper>${text}</wrapper>`);
  if (failure) throw new Error(`not well-formed XML: ${failure.message}`);
  if (!found) throw new Error("no XML element found in the text");
  return found;
}

/** Every child element, whatever its name or namespace. */
export function childElements(el: XmlElement): XmlElement[] {
  return el.getChildElements();
}

/** The namespace an element is in (its own xmlns or inherited). */
export function namespaceOf(el: XmlElement): string {
  return el.getNS() ?? "";
}

/** An attribute as a string, or undefined when absent or empty. */
export function attr(el: XmlElement, name: string): string | undefined {
  const v = el.attrs[name];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** The text of a child element, or undefined when the child is absent. */
export function childText(el: XmlElement, name: string, ns?: string): string | undefined {
  const child = el.getChild(name, ns);
  return child ? child.text() : undefined;
}

/** A deep copy, detached from its parent, so it can be appended elsewhere. */
export function detached(el: XmlElement): XmlElement {
  const copy = new xml.Element(el.name, { ...el.attrs });
  for (const child of el.children) {
    copy.append(typeof child === "string" ? child : detached(child));
  }
  return copy;
}
