// A plain-JSON picture of a parse result, for golden files: what a reader of the message would
// want to check (start line, typed headers the stack uses, every header verbatim, body).
import {
  formatUri,
  formatVia,
  isSipUri,
  type NameAddr,
  type ParseResult,
  type SipMessage,
  type Uri,
} from "../../../src/sip/message/index.js";

function uriPicture(u: Uri): unknown {
  if (isSipUri(u)) {
    return {
      text: formatUri(u),
      scheme: u.scheme,
      user: u.user ?? null,
      password: u.password ?? null,
      host: u.host,
      port: u.port ?? null,
      params: u.params,
      headers: u.headers,
    };
  }
  return { text: formatUri(u), scheme: u.scheme };
}

function addr(na: NameAddr): unknown {
  return { displayName: na.displayName ?? null, uri: uriPicture(na.uri), params: na.params };
}

export function messagePicture(m: SipMessage): Record<string, unknown> {
  const contacts = m.contacts();
  const common = {
    headers: m.headerFields.map((f) => [f.name, f.value]),
    via: m.vias().map(formatVia),
    from: addr(m.from()),
    to: addr(m.to()),
    callId: m.callId(),
    cseq: m.cseq(),
    maxForwards: m.maxForwards() ?? null,
    contacts: contacts === "*" ? "*" : contacts.map(addr),
    bodyLength: m.body.length,
    body: m.body.length <= 600 ? m.bodyText() : `${m.bodyText().slice(0, 600)}…`,
  };
  if (m.kind === "request") {
    return {
      kind: "request",
      method: m.method,
      uri: uriPicture(m.uri),
      version: m.version,
      ...common,
    };
  }
  return { kind: "response", status: m.status, reason: m.reason, version: m.version, ...common };
}

export function parsePicture(r: ParseResult): Record<string, unknown> {
  if (r.ok) return { ok: true, message: messagePicture(r.message) };
  return {
    ok: false,
    error: { code: r.error.code, header: r.error.header ?? null, message: r.error.message },
    partial: r.partial ? { kind: r.partial.kind, method: r.partial.method ?? null } : null,
  };
}
