// A minimal XML element tree of our own, so that coex needs neither an XML library nor the
// XMPP layer's types. The parser is liberal (comments, processing instructions, CDATA and
// unknown entities are tolerated) but never throws anything other than a CoexError; the
// serializer is strict (every attribute and text escaped, stable attribute order).

import { CoexError } from "../errors.js";

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}
export type XmlNode = XmlElement | string;

export function element(
  name: string,
  attrs: Record<string, string | undefined> = {},
  children: XmlNode[] = [],
): XmlElement {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = v;
  return { name, attrs: clean, children };
}

/** The element's namespace: its own xmlns, else `inherited` (the parent's). */
export function namespaceOf(el: XmlElement, inherited = ""): string {
  return el.attrs.xmlns ?? inherited;
}

export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== "string");
}

/** First child element with this local name and namespace (the namespace inherited from `el`). */
export function findChild(el: XmlElement, name: string, ns: string): XmlElement | undefined {
  const parentNs = namespaceOf(el);
  return childElements(el).find((c) => c.name === name && namespaceOf(c, parentNs) === ns);
}

export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
}

function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

export function serializeXml(node: XmlNode): string {
  if (typeof node === "string") return escapeText(node);
  // xmlns first: it is what a reader looks at first, and it makes output stable.
  const names = Object.keys(node.attrs).sort((a, b) =>
    a === "xmlns" ? -1 : b === "xmlns" ? 1 : 0,
  );
  const attrs = names.map((n) => ` ${n}="${escapeAttr(node.attrs[n]!)}"`).join("");
  if (node.children.length === 0) return `<${node.name}${attrs}/>`;
  return `<${node.name}${attrs}>${node.children.map(serializeXml).join("")}</${node.name}>`;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return safeCodePoint(Number.parseInt(ref.slice(2), 16), whole);
    if (ref.startsWith("#")) return safeCodePoint(Number.parseInt(ref.slice(1), 10), whole);
    return NAMED_ENTITIES[ref] ?? whole;
  });
}

function safeCodePoint(cp: number, fallback: string): string {
  return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : fallback;
}

const NAME_RE = /^[A-Za-z_:][-A-Za-z0-9_.:]*/;

function malformed(what: string, at: number): CoexError {
  return new CoexError(
    "malformed-xml",
    `XML is malformed: ${what} at offset ${at}`,
    "pass one complete element, e.g. <message><body>hi</body></message>",
  );
}

/** Parses one element (leading/trailing whitespace, comments and an XML declaration allowed). */
export function parseXml(text: string): XmlElement {
  let pos = 0;
  const skipMisc = (): void => {
    for (;;) {
      const rest = text.slice(pos);
      const ws = /^\s+/.exec(rest);
      if (ws) {
        pos += ws[0].length;
        continue;
      }
      if (rest.startsWith("<?")) {
        const end = text.indexOf("?>", pos);
        if (end < 0) throw malformed("unterminated processing instruction", pos);
        pos = end + 2;
        continue;
      }
      if (rest.startsWith("<!--")) {
        const end = text.indexOf("-->", pos);
        if (end < 0) throw malformed("unterminated comment", pos);
        pos = end + 3;
        continue;
      }
      return;
    }
  };

  const parseElement = (depth: number): XmlElement => {
    if (depth > 64) throw malformed("elements nested too deeply", pos);
    if (text[pos] !== "<") throw malformed("expected '<'", pos);
    pos++;
    const nameMatch = NAME_RE.exec(text.slice(pos));
    if (!nameMatch) throw malformed("expected an element name", pos);
    const name = nameMatch[0];
    pos += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      const ws = /^\s*/.exec(text.slice(pos))!;
      pos += ws[0].length;
      if (text.startsWith("/>", pos)) {
        pos += 2;
        return { name: localName(name), attrs, children: [] };
      }
      if (text[pos] === ">") {
        pos++;
        break;
      }
      const an = NAME_RE.exec(text.slice(pos));
      if (!an) throw malformed(`expected an attribute in <${name}>`, pos);
      pos += an[0].length;
      const eq = /^\s*=\s*/.exec(text.slice(pos));
      if (!eq) throw malformed(`expected '=' after attribute ${an[0]}`, pos);
      pos += eq[0].length;
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") throw malformed("expected a quoted value", pos);
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) throw malformed("unterminated attribute value", pos);
      const value = decodeEntities(text.slice(pos + 1, end));
      // A prefixed xmlns (xmlns:x) is kept under its full name; element prefixes are dropped
      // below, which is enough for the unprefixed payloads this profile defines.
      if (!(an[0] in attrs)) attrs[an[0]] = value;
      pos = end + 1;
    }
    const children: XmlNode[] = [];
    for (;;) {
      if (pos >= text.length) throw malformed(`missing </${name}>`, pos);
      if (text.startsWith("</", pos)) {
        const close = /^<\/\s*([A-Za-z_:][-A-Za-z0-9_.:]*)\s*>/.exec(text.slice(pos));
        if (!close || close[1] !== name) throw malformed(`expected </${name}>`, pos);
        pos += close[0].length;
        return { name: localName(name), attrs, children };
      }
      if (text.startsWith("<!--", pos)) {
        const end = text.indexOf("-->", pos);
        if (end < 0) throw malformed("unterminated comment", pos);
        pos = end + 3;
        continue;
      }
      if (text.startsWith("<![CDATA[", pos)) {
        const end = text.indexOf("]]>", pos);
        if (end < 0) throw malformed("unterminated CDATA section", pos);
        children.push(text.slice(pos + 9, end));
        pos = end + 3;
        continue;
      }
      if (text[pos] === "<") {
        children.push(parseElement(depth + 1));
        continue;
      }
      const next = text.indexOf("<", pos);
      const raw = text.slice(pos, next < 0 ? text.length : next);
      children.push(decodeEntities(raw));
      pos += raw.length;
    }
  };

  skipMisc();
  const root = parseElement(0);
  skipMisc();
  if (pos !== text.length) throw malformed("content after the element", pos);
  return root;
}

function localName(qname: string): string {
  const i = qname.indexOf(":");
  return i < 0 ? qname : qname.slice(i + 1);
}
