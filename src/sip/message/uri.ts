// URIs in SIP: sip/sips (RFC 3261 §19.1), tel (RFC 3966), and any other absoluteURI kept
// opaque (RFC 3261 §19.1.6, RFC 4475 §3.3.2–§3.3.4: unknown schemes must not break parsing).
import { HEADER_SAFE, PARAM_SAFE, PASSWORD_SAFE, USER_SAFE } from "./charsets.js";
import { escapeComponent, unescapeComponent } from "./escaping.js";
import { formatHost, type Host, parseHost, parsePort } from "./host.js";
import { fail } from "./parse-error.js";

/** A URI parameter or header: `value` is null for a bare `;lr`. Values are unescaped. */
export interface UriParam {
  readonly name: string;
  readonly value: string | null;
}

export interface SipUri {
  readonly scheme: "sip" | "sips";
  /** Unescaped user part (RFC 3261 §19.1.4 compares user parts unescaped). */
  readonly user?: string;
  readonly password?: string;
  readonly host: Host;
  readonly port?: number;
  readonly params: readonly UriParam[];
  readonly headers: readonly UriParam[];
}

export interface TelUri {
  readonly scheme: "tel";
  readonly number: string;
  readonly params: readonly UriParam[];
}

/** Any other absoluteURI (e.g. `isbn:…`, `http:…`, `soap.beep:…`), kept as received. */
export interface OtherUri {
  readonly scheme: string;
  readonly opaque: string;
}

export type Uri = SipUri | TelUri | OtherUri;

export const isSipUri = (u: Uri): u is SipUri => u.scheme === "sip" || u.scheme === "sips";
export const isTelUri = (u: Uri): u is TelUri => u.scheme === "tel";

/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 §3.1), scanned without a regex. */
function isScheme(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c >= 97 && c <= 122) continue;
    const d = s.charCodeAt(i);
    if (i > 0 && ((d >= 48 && d <= 57) || d === 43 || d === 45 || d === 46)) continue;
    return false;
  }
  return s.length > 0;
}

/** SP, HTAB, CR, LF, other controls and DEL: none may appear in a URI as sent (§25.1). */
const WHITESPACE_OR_CTL = /[\x00-\x20\x7f]/;

/** "sip" or "sips" in any case, without lower-casing a copy (the common case, every message). */
function sipScheme(s: string): "sip" | "sips" | undefined {
  if (s.length < 3 || s.length > 4) return undefined;
  if ((s.charCodeAt(0) | 0x20) !== 115) return undefined;
  if ((s.charCodeAt(1) | 0x20) !== 105 || (s.charCodeAt(2) | 0x20) !== 112) return undefined;
  if (s.length === 3) return "sip";
  return (s.charCodeAt(3) | 0x20) === 115 ? "sips" : undefined;
}

function parseParamList(text: string, sep: string, where: string, kind: string): UriParam[] {
  const out: UriParam[] = [];
  for (const part of text.split(sep)) {
    if (part.length === 0) fail("uri", `empty ${kind} in "${text}"`, where);
    const eq = part.indexOf("=");
    const name = unescapeComponent(eq < 0 ? part : part.slice(0, eq));
    if (name.length === 0) fail("uri", `${kind} without a name in "${text}"`, where);
    out.push({ name, value: eq < 0 ? null : unescapeComponent(part.slice(eq + 1)) });
  }
  return out;
}

/**
 * `at` is the index in `rest` of its last '@' (-1 if none), found by parseUri's single scan: the
 * user part may hold ';', '?', '/' and ':' (RFC 4475 §3.1.1.2, §3.1.1.9), but never an unescaped
 * '@', so the last '@' ends the userinfo.
 */
function parseSipUri(scheme: "sip" | "sips", rest: string, where: string, at: number): SipUri {
  let user: string | undefined;
  let password: string | undefined;
  let hostPart = rest;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const colon = userinfo.indexOf(":");
    const userText = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (userText.length === 0) fail("uri", `empty user part in "${scheme}:${rest}"`, where);
    user = unescapeComponent(userText);
    if (colon >= 0) password = unescapeComponent(userinfo.slice(colon + 1));
  }
  let headersText: string | undefined;
  const q = hostPart.indexOf("?");
  if (q >= 0) {
    headersText = hostPart.slice(q + 1);
    hostPart = hostPart.slice(0, q);
  }
  let paramsText: string | undefined;
  const semi = hostPart.indexOf(";");
  if (semi >= 0) {
    paramsText = hostPart.slice(semi + 1);
    hostPart = hostPart.slice(0, semi);
  }
  let hostText = hostPart;
  let port: number | undefined;
  if (hostPart.startsWith("[")) {
    const close = hostPart.indexOf("]");
    if (close < 0) fail("uri", `IPv6 reference in "${scheme}:${rest}" lacks "]"`, where);
    hostText = hostPart.slice(0, close + 1);
    const after = hostPart.slice(close + 1);
    if (after.length > 0) {
      if (after[0] !== ":") fail("uri", `unexpected "${after}" after the host`, where);
      port = parsePort(after.slice(1), where);
    }
  } else {
    const colon = hostPart.indexOf(":");
    if (colon >= 0 && hostPart.indexOf(":", colon + 1) >= 0) {
      fail("uri", `IPv6 address "${hostPart}" must be enclosed in [ ] (RFC 5118 §4.2)`, where);
    }
    if (colon >= 0) {
      hostText = hostPart.slice(0, colon);
      port = parsePort(hostPart.slice(colon + 1), where);
    }
  }
  if (hostText.length === 0) fail("uri", `no host in "${scheme}:${rest}"`, where);
  const host = parseHost(hostText, where);
  const params = paramsText === undefined ? [] : parseParamList(paramsText, ";", where, "param");
  const headers =
    headersText === undefined ? [] : parseParamList(headersText, "&", where, "header");
  const uri: {
    scheme: "sip" | "sips";
    user?: string;
    password?: string;
    host: Host;
    port?: number;
    params: UriParam[];
    headers: UriParam[];
  } = { scheme, host, params, headers };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (port !== undefined) uri.port = port;
  return uri;
}

function parseTelUri(rest: string, where: string): TelUri {
  const semi = rest.indexOf(";");
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (!/^(\+[0-9().-]*[0-9][0-9().-]*|[0-9A-Fa-f*#().-]+)$/.test(number)) {
    fail("uri", `"${number}" is not a telephone number (RFC 3966 §3)`, where);
  }
  const params = semi < 0 ? [] : parseParamList(rest.slice(semi + 1), ";", where, "param");
  return { scheme: "tel", number, params };
}

/** Parses a URI; `where` names the field for error messages (e.g. "Request-URI", "To"). */
export function parseUri(text: string, where: string): Uri {
  if (text.length === 0) fail("uri", "empty URI", where);
  // Built-in scans (the regex engine and indexOf run native code, faster than a charCodeAt loop
  // on the long URIs of RFC 4475 §3.1.1.7).
  if (WHITESPACE_OR_CTL.test(text)) fail("uri", `URI "${text}" contains whitespace`, where);
  const colon = text.indexOf(":");
  const lastAt = text.lastIndexOf("@");
  if (colon <= 0) fail("uri", `"${text}" has no scheme (expected e.g. "sip:")`, where);
  const schemeText = text.slice(0, colon);
  const sip = sipScheme(schemeText);
  if (sip !== undefined) {
    return parseSipUri(sip, text.slice(colon + 1), where, lastAt > colon ? lastAt - colon - 1 : -1);
  }
  if (!isScheme(schemeText)) fail("uri", `"${schemeText}" is not a URI scheme`, where);
  const scheme = schemeText.toLowerCase();
  const rest = text.slice(colon + 1);
  if (scheme === "tel") return parseTelUri(rest, where);
  if (rest.length === 0) fail("uri", `"${text}" has nothing after the scheme`, where);
  return { scheme, opaque: rest };
}

function formatParams(params: readonly UriParam[], lead: string, sep: string, safe: Uint8Array) {
  let out = "";
  params.forEach((p, i) => {
    out += i === 0 ? lead : sep;
    out += escapeComponent(p.name, safe);
    if (p.value !== null) out += `=${escapeComponent(p.value, safe)}`;
  });
  return out;
}

/** The URI as we send it: components re-escaped with only the characters the grammar allows. */
export function formatUri(uri: Uri): string {
  if (isSipUri(uri)) {
    let out = `${uri.scheme}:`;
    if (uri.user !== undefined) {
      out += escapeComponent(uri.user, USER_SAFE);
      if (uri.password !== undefined) out += `:${escapeComponent(uri.password, PASSWORD_SAFE)}`;
      out += "@";
    }
    out += formatHost(uri.host);
    if (uri.port !== undefined) out += `:${uri.port}`;
    out += formatParams(uri.params, ";", ";", PARAM_SAFE);
    out += formatParams(uri.headers, "?", "&", HEADER_SAFE);
    return out;
  }
  if (isTelUri(uri)) return `tel:${uri.number}${formatParams(uri.params, ";", ";", PARAM_SAFE)}`;
  return `${uri.scheme}:${(uri as OtherUri).opaque}`;
}

/** A URI parameter by name (case-insensitive, RFC 3261 §19.1.4). */
export function uriParam(uri: Uri, name: string): string | null | undefined {
  if (!("params" in uri)) return undefined;
  const lower = name.toLowerCase();
  for (const p of uri.params) if (p.name.toLowerCase() === lower) return p.value;
  return undefined;
}

/** Builds a sip: URI from parts, for the stack's own use. */
export function sipUri(
  host: string,
  opts: { user?: string; port?: number; scheme?: "sip" | "sips"; params?: UriParam[] } = {},
): SipUri {
  const h = parseHost(host.includes(":") && !host.startsWith("[") ? `[${host}]` : host, "URI");
  const uri: {
    scheme: "sip" | "sips";
    user?: string;
    host: Host;
    port?: number;
    params: UriParam[];
    headers: UriParam[];
  } = { scheme: opts.scheme ?? "sip", host: h, params: opts.params ?? [], headers: [] };
  if (opts.user !== undefined) uri.user = opts.user;
  if (opts.port !== undefined) uri.port = opts.port;
  return uri;
}
