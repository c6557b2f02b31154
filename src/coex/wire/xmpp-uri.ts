// XMPP URIs (RFC 5122) with the XEP-0147 query for a message in a thread:
//   xmpp:bob@chat.example.test/desk?message;thread=T
// Node, domain and resource are percent-encoded outside a conservative safe set (RFC 5122 §2.7:
// characters not allowed in an IRI path are encoded), and query values likewise (XEP-0147 §2),
// so a thread id or resource with ';', '=', '?', '#', '>' or spaces cannot break the URI or the
// SIP header it travels in.

import { CoexError } from "../errors.js";

export interface XmppUri {
  /** The JID, bare or full, decoded. */
  readonly jid: string;
  /** The XEP-0147 query type, e.g. "message"; undefined when there is no query. */
  readonly action?: string;
  /** Decoded key=value pairs of the query, e.g. { thread: "T" }. */
  readonly params: Readonly<Record<string, string>>;
}

const SAFE_PATH = /[A-Za-z0-9\-._~!$'()*+,:]/;
const SAFE_QUERY = /[A-Za-z0-9\-._~]/;

function encode(s: string, safe: RegExp): string {
  let out = "";
  for (const ch of s) {
    if (safe.test(ch)) out += ch;
    else
      for (const b of new TextEncoder().encode(ch))
        out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function decode(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new CoexError(
      "malformed-uri",
      `bad percent-encoding in the ${what} of an xmpp: URI`,
      "percent-encode as UTF-8 bytes, e.g. %20 for a space",
    );
  }
}

export function serializeXmppUri(uri: XmppUri): string {
  const { local, domain, resource } = splitJid(uri.jid);
  if (!domain) {
    throw new CoexError(
      "malformed-uri",
      `not a JID: ${JSON.stringify(uri.jid)}`,
      "e.g. bob@example.com/desk",
    );
  }
  let out = "xmpp:";
  if (local !== undefined) out += `${encode(local, SAFE_PATH)}@`;
  out += encode(domain, SAFE_PATH);
  if (resource !== undefined) out += `/${encode(resource, SAFE_PATH)}`;
  if (uri.action !== undefined) {
    out += `?${encode(uri.action, SAFE_QUERY)}`;
    for (const [k, v] of Object.entries(uri.params))
      out += `;${encode(k, SAFE_QUERY)}=${encode(v, SAFE_QUERY)}`;
  }
  return out;
}

export function parseXmppUri(text: string): XmppUri {
  const t = text.trim();
  if (!/^xmpp:/i.test(t)) {
    throw new CoexError(
      "malformed-uri",
      `not an xmpp: URI: ${JSON.stringify(t.slice(0, 80))}`,
      "expected xmpp:user@domain",
    );
  }
  let rest = t.slice(5);
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  // RFC 5122 §2.3: an optional "//authority/" names the account to act as; we ignore it.
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    rest = slash < 0 ? "" : rest.slice(slash + 1);
  }
  const q = rest.indexOf("?");
  const path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? undefined : rest.slice(q + 1);
  const slash = path.indexOf("/");
  const bare = slash < 0 ? path : path.slice(0, slash);
  const at = bare.indexOf("@");
  const local = at < 0 ? undefined : decode(bare.slice(0, at), "node");
  const domain = decode(at < 0 ? bare : bare.slice(at + 1), "domain").toLowerCase();
  const resource = slash < 0 ? undefined : decode(path.slice(slash + 1), "resource");
  if (!domain || local === "" || resource === "") {
    throw new CoexError(
      "malformed-uri",
      `xmpp: URI has no valid JID: ${JSON.stringify(t.slice(0, 80))}`,
      "expected xmpp:user@domain[/resource]",
    );
  }
  const jid = `${local !== undefined ? `${local}@` : ""}${domain}${resource !== undefined ? `/${resource}` : ""}`;
  if (query === undefined) return { jid, params: {} };
  const [action, ...pairs] = query.split(";");
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const key = decode(pair.slice(0, eq), "query");
    if (!(key in params)) params[key] = decode(pair.slice(eq + 1), "query");
  }
  return { jid, action: decode(action ?? "", "query"), params };
}

function splitJid(jid: string): { local?: string; domain: string; resource?: string } {
  const slash = jid.indexOf("/");
  const bare = slash < 0 ? jid : jid.slice(0, slash);
  const at = bare.indexOf("@");
  const out: { local?: string; domain: string; resource?: string } = {
    domain: at < 0 ? bare : bare.slice(at + 1),
  };
  if (at >= 0) out.local = bare.slice(0, at);
  if (slash >= 0) out.resource = jid.slice(slash + 1);
  return out;
}
