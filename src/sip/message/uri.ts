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

/** "sip" or "sips" in any case as `s.slice(0, end)`, compared in place (every message has one). */
function sipScheme(s: string, end: number): "sip" | "sips" | undefined {
  if (end < 3 || end > 4) return undefined;
  if ((s.charCodeAt(0) | 0x20) !== 115) return undefined;
  if ((s.charCodeAt(1) | 0x20) !== 105 || (s.charCodeAt(2) | 0x20) !== 112) return undefined;
  if (end === 3) return "sip";
  return (s.charCodeAt(3) | 0x20) === 115 ? "sips" : undefined;
}

/**
 * The parameters (or headers) in `s` from `from` to `to`, separated by `sep`. Works on offsets
 * into the whole URI, so only the names and values themselves are cut out of it.
 */
function parseParamList(
  s: string,
  from: number,
  to: number,
  sep: string,
  where: string,
  kind: string,
): UriParam[] {
  const out: UriParam[] = [];
  let i = from;
  // The next '=' at or after i; kept between parameters so that a run of bare ones (";lr;lr…")
  // does not rescan the rest of the URI for each.
  let eq = -1;
  for (;;) {
    let end = s.indexOf(sep, i);
    if (end < 0 || end > to) end = to;
    if (end === i) fail("uri", `empty ${kind} in "${s.slice(from, to)}"`, where);
    if (eq < i && eq !== -2) {
      eq = s.indexOf("=", i);
      if (eq < 0 || eq >= to) eq = -2; // none left before `to`
    }
    const hasValue = eq >= 0 && eq < end;
    const name = unescapeComponent(s.slice(i, hasValue ? eq : end));
    if (name.length === 0) fail("uri", `${kind} without a name in "${s.slice(from, to)}"`, where);
    out.push({ name, value: hasValue ? unescapeComponent(s.slice(eq + 1, end)) : null });
    if (end === to) return out;
    i = end + 1;
  }
}

/**
 * `s` is the whole URI, `start` the index after "sip:", `at` the index of its last '@' (-1 if
 * none): the user part may hold ';', '?', '/' and ':' (RFC 4475 §3.1.1.2, §3.1.1.9), but never
 * an unescaped '@', so the last '@' ends the userinfo. Offsets, not slices, until the parts are
 * known: a URI is read in every message, several times.
 */
function parseSipUri(
  scheme: "sip" | "sips",
  s: string,
  start: number,
  where: string,
  at: number,
): SipUri {
  const n = s.length;
  let user: string | undefined;
  let password: string | undefined;
  let hostStart = start;
  if (at >= 0) {
    let colon = s.indexOf(":", start);
    if (colon >= at) colon = -1;
    const userEnd = colon < 0 ? at : colon;
    if (userEnd === start) fail("uri", `empty user part in "${scheme}:${s.slice(start)}"`, where);
    user = unescapeComponent(s.slice(start, userEnd));
    if (colon >= 0) password = unescapeComponent(s.slice(colon + 1, at));
    hostStart = at + 1;
  }
  // uri-headers after the first '?', uri-parameters after the first ';' before it (§19.1.1).
  const q = s.indexOf("?", hostStart);
  const paramsEnd = q < 0 ? n : q;
  let semi = s.indexOf(";", hostStart);
  if (semi >= paramsEnd) semi = -1;
  const hostPortEnd = semi < 0 ? paramsEnd : semi;
  let hostEnd = hostPortEnd;
  let port: number | undefined;
  if (hostStart < hostPortEnd && s.charCodeAt(hostStart) === 91) {
    const close = s.indexOf("]", hostStart);
    if (close < 0 || close >= hostPortEnd) {
      fail("uri", `IPv6 reference in "${scheme}:${s.slice(start)}" lacks "]"`, where);
    }
    hostEnd = close + 1;
    if (hostEnd < hostPortEnd) {
      if (s.charCodeAt(hostEnd) !== 58) {
        fail("uri", `unexpected "${s.slice(hostEnd, hostPortEnd)}" after the host`, where);
      }
      port = parsePort(s.slice(hostEnd + 1, hostPortEnd), where);
    }
  } else {
    let colon = s.indexOf(":", hostStart);
    if (colon >= hostPortEnd) colon = -1;
    if (colon >= 0) {
      const second = s.indexOf(":", colon + 1);
      if (second >= 0 && second < hostPortEnd) {
        fail(
          "uri",
          `IPv6 address "${s.slice(hostStart, hostPortEnd)}" must be enclosed in [ ] (RFC 5118 §4.2)`,
          where,
        );
      }
      hostEnd = colon;
      port = parsePort(s.slice(colon + 1, hostPortEnd), where);
    }
  }
  if (hostEnd === hostStart) fail("uri", `no host in "${scheme}:${s.slice(start)}"`, where);
  const host = parseHost(s.slice(hostStart, hostEnd), where);
  const params = semi < 0 ? [] : parseParamList(s, semi + 1, paramsEnd, ";", where, "param");
  const headers = q < 0 ? [] : parseParamList(s, q + 1, n, "&", where, "header");
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
  const params = semi < 0 ? [] : parseParamList(rest, semi + 1, rest.length, ";", where, "param");
  return { scheme: "tel", number, params };
}

/** Index of the last '@' at or after `from`, or -1 (forward indexOf: lastIndexOf is slow in V8). */
function lastAt(s: string, from: number): number {
  let at = -1;
  for (let i = s.indexOf("@", from); i >= 0; i = s.indexOf("@", i + 1)) at = i;
  return at;
}

/** Parses a URI; `where` names the field for error messages (e.g. "Request-URI", "To"). */
export function parseUri(text: string, where: string): Uri {
  if (text.length === 0) fail("uri", "empty URI", where);
  // Built-in scans (the regex engine and indexOf run native code, faster than a charCodeAt loop
  // on the long URIs of RFC 4475 §3.1.1.7).
  if (WHITESPACE_OR_CTL.test(text)) fail("uri", `URI "${text}" contains whitespace`, where);
  const colon = text.indexOf(":");
  if (colon <= 0) fail("uri", `"${text}" has no scheme (expected e.g. "sip:")`, where);
  const sip = sipScheme(text, colon);
  if (sip !== undefined) return parseSipUri(sip, text, colon + 1, where, lastAt(text, colon + 1));
  const schemeText = text.slice(0, colon);
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
