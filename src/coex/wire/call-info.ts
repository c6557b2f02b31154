// The SIP carrier (PROFILE.md §3.1, §4): a Call-Info header entry whose URI is an XMPP URI and
// whose purpose is "impp" (RFC 6993), with the profile's token= and echo= parameters:
//   Call-Info: <xmpp:bob@chat.example.test/desk?message;thread=T>;purpose=impp;token=…;echo=…
// Parsing accepts a whole header value with several comma-separated entries (RFC 3261 §20.9)
// and picks the impp one; parameters are case-insensitive and may be quoted.

import { CoexError } from "../errors.js";
import { assertToken, isWellFormedToken } from "./token.js";
import { parseXmppUri, serializeXmppUri } from "./xmpp-uri.js";

export interface ImppCallInfo {
  /** The JID (full for calls, PROFILE.md §1; bare in OPTIONS answers, §4). */
  readonly jid: string;
  /** XEP-0201 thread the call belongs to, from the XEP-0147 query. */
  readonly thread?: string;
  readonly token?: string;
  readonly echo?: string;
}

export interface ParsedCallInfo {
  /** The impp entry, if the header value had one with a usable xmpp: URI. */
  readonly info?: ImppCallInfo;
  /** Things ignored on the way, e.g. a malformed token, so the endpoint can log them. */
  readonly problems: string[];
}

export function serializeCallInfo(info: ImppCallInfo): string {
  const uri = serializeXmppUri(
    info.thread !== undefined
      ? { jid: info.jid, action: "message", params: { thread: info.thread } }
      : { jid: info.jid, params: {} },
  );
  let out = `<${uri}>;purpose=impp`;
  if (info.token !== undefined) out += `;token=${assertToken(info.token, "token")}`;
  if (info.echo !== undefined) out += `;echo=${assertToken(info.echo, "echo")}`;
  return out;
}

/** Splits a header value on commas outside <…> and quoted strings. */
function splitEntries(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "<") depth++;
    else if (c === ">") depth = Math.max(0, depth - 1);
    else if (c === "," && depth === 0) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([A-Za-z0-9\-.!%*_+`'~]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*))?/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let v = m[2] ?? "";
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    const k = m[1]!.toLowerCase();
    if (!params.has(k)) params.set(k, v);
  }
  return params;
}

/** Parses one or more Call-Info header values (one per header line). Never throws. */
export function parseCallInfo(values: string | readonly string[]): ParsedCallInfo {
  const problems: string[] = [];
  const entries = (typeof values === "string" ? [values] : values).flatMap(splitEntries);
  for (const entry of entries) {
    const m = /^<([^>]*)>(.*)$/s.exec(entry);
    if (!m) {
      problems.push(`Call-Info entry without <uri>: ${entry.slice(0, 60)}`);
      continue;
    }
    const params = parseParams(m[2]!);
    if (params.get("purpose")?.toLowerCase() !== "impp") continue;
    if (!/^xmpp:/i.test(m[1]!.trim())) {
      problems.push(`purpose=impp entry is not an xmpp: URI: ${m[1]!.slice(0, 60)}`);
      continue;
    }
    let uri: ReturnType<typeof parseXmppUri>;
    try {
      uri = parseXmppUri(m[1]!);
    } catch (e) {
      problems.push(e instanceof CoexError ? e.message : String(e));
      continue;
    }
    const info: { jid: string; thread?: string; token?: string; echo?: string } = { jid: uri.jid };
    if (uri.action === "message" && uri.params.thread) info.thread = uri.params.thread;
    for (const field of ["token", "echo"] as const) {
      const v = params.get(field);
      if (v === undefined) continue;
      if (isWellFormedToken(v)) info[field] = v;
      else problems.push(`Call-Info ${field}= is not a profile token; ignored`);
    }
    return { info, problems };
  }
  return { problems };
}
