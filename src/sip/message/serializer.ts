// Writing messages (RFC 3261 §7): CRLF line ends, no folding, Content-Length always present and
// equal to the body's octet count (§20.14: mandatory on streams, harmless on datagrams).
import { canonicalName, headerKey } from "./header-names.js";
import type { SipMessage } from "./message.js";
import { formatUri } from "./uri.js";

const utf8 = new TextEncoder();

export function startLine(msg: SipMessage): string {
  return msg.kind === "request"
    ? `${msg.method} ${formatUri(msg.uri)} ${msg.version}`
    : `${msg.version} ${msg.status} ${msg.reason}`;
}

export function serializeHead(msg: SipMessage): string {
  let out = `${startLine(msg)}\r\n`;
  for (const f of msg.headerFields) {
    if (headerKey(f.name) === "content-length") continue;
    out += `${canonicalName(f.name)}: ${f.value}\r\n`;
  }
  out += `Content-Length: ${msg.body.length}\r\n\r\n`;
  return out;
}

export function serialize(msg: SipMessage): Uint8Array {
  const head = utf8.encode(serializeHead(msg));
  if (msg.body.length === 0) return head;
  const out = new Uint8Array(head.length + msg.body.length);
  out.set(head, 0);
  out.set(msg.body, head.length);
  return out;
}

export function serializeToString(msg: SipMessage): string {
  return new TextDecoder().decode(serialize(msg));
}
