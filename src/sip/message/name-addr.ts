// From, To, Contact, Route, Record-Route, Refer-To…: ( name-addr / addr-spec ) *( SEMI param )
// (RFC 3261 §20.10, §20.20, §20.39, §25.1).
import { isToken } from "./charsets.js";
import {
  Cursor,
  END_OF_ITEM,
  formatParams,
  type HeaderParam,
  paramValue,
  quote,
  unquote,
} from "./cursor.js";
import { fail } from "./parse-error.js";
import { formatUri, parseUri, type Uri } from "./uri.js";

export interface NameAddr {
  /** Display name, unquoted; undefined when there is none. */
  readonly displayName?: string;
  readonly uri: Uri;
  readonly params: readonly HeaderParam[];
}

/**
 * Reads a name-addr or addr-spec up to its header parameters. With `name` (a full parse), the
 * display name goes to `name.value` and the URI's text (still to be trimmed and parsed) is
 * returned; without, the address is only checked and delimited, and "" returned.
 */
function readAddress(c: Cursor, name: { value: string | undefined } | undefined): string {
  c.skipWs();
  if (c.peek() === 34) {
    const raw = c.quotedRaw();
    if (name) name.value = unquote(raw);
    c.expect("<", `"<" after the display name`);
    return bracketed(c, name !== undefined);
  }
  if (c.peek() === 60) {
    c.i++;
    return bracketed(c, name !== undefined);
  }
  // Either *(token LWS) "<" (display name) or an addr-spec: look ahead for '<'.
  const start = c.i;
  let words = 0;
  let firstWord = -1;
  let lastWordEnd = -1;
  for (;;) {
    c.skipWs();
    const wordStart = c.i;
    c.skipToken();
    if (c.i === wordStart) break;
    if (words++ === 0) firstWord = wordStart;
    lastWordEnd = c.i;
    // "scheme:" right after the first token: an addr-spec, no need to look further.
    if (words === 1 && c.peek() === 58) break;
  }
  c.skipWs();
  if (words > 0 && c.peek() === 60) {
    // The tokens, each separated by one SP (as the words joined).
    if (name) {
      const text = c.s.slice(firstWord, lastWordEnd);
      name.value = words === 1 ? text : text.replace(/[ \t\r\n]+/g, " ");
    }
    c.i++;
    return bracketed(c, name !== undefined);
  }
  if (words > 0 && c.s.indexOf("<", c.i) >= 0) {
    c.error(
      "a display name with characters other than tokens must be a quoted string " +
        "(RFC 3261 §25.1 display-name)",
    );
  }
  c.i = start;
  c.skipWs();
  // addr-spec: its ';' parameters are header parameters (RFC 3261 §20.10). One scan finds its
  // end and any '<' or '"' in it.
  const s = c.s;
  const uriStart = c.i;
  let i = uriStart;
  let stray = false;
  while (i < s.length) {
    const ch = s.charCodeAt(i);
    if (ch < 128 && END_OF_ITEM[ch] === 1) break;
    if (ch === 60 || ch === 34) stray = true;
    i++;
  }
  c.i = i;
  if (stray || i === uriStart) {
    c.error("expected a URI or a name-addr (a display name must be a quoted string or tokens)");
  }
  return name ? s.slice(uriStart, i) : "";
}

/** After "<": the text up to ">" (or "" when `text` is false), the cursor past the ">". */
function bracketed(c: Cursor, text: boolean): string {
  const start = c.i;
  const close = c.s.indexOf(">", start);
  c.i = close < 0 ? c.s.length : close;
  const uriText = text ? c.s.slice(start, c.i) : "";
  if (!c.eat(">")) c.error(`"<" without ">"`);
  return uriText;
}

function readOne(c: Cursor): NameAddr {
  const name: { value: string | undefined } = { value: undefined };
  const uriText = readAddress(c, name);
  // RFC 4475 §3.1.2.14: spaces just inside <> are invalid, but harmless; we read past them.
  const uri = parseUri(uriText.trim(), c.where);
  const params = c.params();
  const displayName = name.value;
  return displayName === undefined ? { uri, params } : { uri, params, displayName };
}

/** One name-addr/addr-spec filling the whole value (From, To, Refer-To). */
export function parseNameAddr(value: string, header: string): NameAddr {
  const c = new Cursor(value, header);
  const na = readOne(c);
  c.skipWs();
  if (!c.done) c.error(`unexpected "${value.slice(c.i, c.i + 20)}" after the address`);
  return na;
}

/**
 * The tag of a From or To value, checking the whole value as parseNameAddr does except the URI,
 * which is only delimited (parseNameAddr checks it when the address itself is wanted).
 */
export function tagOfAddress(value: string, header: string): string | undefined {
  const c = new Cursor(value, header);
  readAddress(c, undefined);
  const params = c.params();
  c.skipWs();
  if (!c.done) c.error(`unexpected "${value.slice(c.i, c.i + 20)}" after the address`);
  const t = paramValue(params, "tag");
  return t === null ? undefined : t;
}

/** A comma-separated list of name-addrs (Contact, Route, Record-Route, Path). */
export function parseNameAddrList(value: string, header: string): NameAddr[] {
  const c = new Cursor(value, header);
  const out: NameAddr[] = [];
  for (;;) {
    out.push(readOne(c));
    c.skipWs();
    if (c.done) return out;
    if (!c.eat(",")) c.error(`expected "," between addresses`);
  }
}

/**
 * Checks a comma-separated list of addresses as parseNameAddrList reads it, except the URIs,
 * which are only delimited (parseNameAddrList checks them when the addresses are wanted).
 */
export function checkAddressList(value: string, header: string): void {
  const c = new Cursor(value, header);
  for (;;) {
    readAddress(c, undefined);
    c.params();
    c.skipWs();
    if (c.done) return;
    if (!c.eat(",")) c.error(`expected "," between addresses`);
  }
}

/** The form we send: always name-addr (with <>), so URI parameters never leak (§20). */
export function formatNameAddr(na: NameAddr): string {
  let out = "";
  if (na.displayName !== undefined && na.displayName.length > 0) {
    out += isToken(na.displayName) ? `${na.displayName} ` : `${quote(na.displayName)} `;
  }
  return `${out}<${formatUri(na.uri)}>${formatParams(na.params)}`;
}

export const tagOf = (na: NameAddr): string | undefined => {
  const t = paramValue(na.params, "tag");
  return t === null ? undefined : t;
};

export function withParam(na: NameAddr, name: string, value: string | null): NameAddr {
  const params = na.params.filter((p) => p.name.toLowerCase() !== name.toLowerCase());
  params.push({ name, value });
  return { ...na, params };
}

/** Contact: "*" (RFC 3261 §10.2.2) is represented as the string "*". */
export function parseContactList(value: string): NameAddr[] | "*" {
  if (value.trim() === "*") return "*";
  return parseNameAddrList(value, "Contact");
}

export function requireSingle<T>(list: T[], header: string): T {
  if (list.length !== 1) fail("header-value", "expected exactly one value", header);
  return list[0] as T;
}
