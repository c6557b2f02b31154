// The checks a UAS makes on a new request before acting on it (RFC 3261 §8.2.1–§8.2.3), and
// the answers RFC 4475 §3.3 expects: 505, 405/501, 416, 400, 420, 415, 406. Pure: it says what to
// answer; the UA core sends it.
import { isSipUri, isTelUri, type SipRequest } from "../message/index.js";
import {
  ACCEPT_HEADER,
  ACCEPTED_BODIES,
  ALLOW_HEADER,
  ALLOWED_METHODS,
  KNOWN_METHODS,
  SUPPORTED_EXTENSIONS,
} from "./capabilities.js";

export interface Rejection {
  readonly status: number;
  readonly reason?: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Why, for the Warning header (399, §20.43) and for logs. */
  readonly why: string;
}

const reject = (
  status: number,
  why: string,
  headers: Array<readonly [string, string]> = [],
): Rejection => ({ status, why, headers });

/** A Rejection for the request, or undefined when it may proceed. */
export function screenRequest(req: SipRequest): Rejection | undefined {
  // §8.2: the version first (RFC 4475 §3.1.2.16: 505 for SIP/7.0).
  if (req.version !== "SIP/2.0") {
    return reject(505, `SIP version ${req.version} is not supported; use SIP/2.0`);
  }
  const method = req.method;
  // §8.2.1: methods we do not know → 501; known but not served → 405 with Allow.
  if (!KNOWN_METHODS.has(method)) {
    return reject(501, `method ${method} is unknown to this user agent`, [["Allow", ALLOW_HEADER]]);
  }
  if (!(ALLOWED_METHODS as readonly string[]).includes(method)) {
    return reject(405, `a user agent does not serve ${method}`, [["Allow", ALLOW_HEADER]]);
  }
  // §8.2.2.1: a Request-URI scheme we cannot handle → 416.
  if (!isSipUri(req.uri) && !isTelUri(req.uri)) {
    return reject(416, `URI scheme "${req.uri.scheme}" is not supported; use sip, sips or tel`);
  }
  // §19.1.5 / RFC 4475 §3.1.2.11: headers are not allowed in a Request-URI.
  if (isSipUri(req.uri) && req.uri.headers.length > 0) {
    return reject(400, "the Request-URI must not contain URI headers (RFC 3261 §19.1.5)");
  }
  // §8.2.2.3: Require with option tags we do not support → 420 listing them in Unsupported
  // (not for ACK and CANCEL, whose Require is ignored).
  if (method !== "ACK" && method !== "CANCEL") {
    const unsupported = req
      .list("Require")
      .filter((t) => !(SUPPORTED_EXTENSIONS as readonly string[]).includes(t.toLowerCase()));
    if (unsupported.length > 0) {
      return reject(420, `extensions not supported: ${unsupported.join(", ")}`, [
        ["Unsupported", unsupported.join(", ")],
      ]);
    }
  }
  // §8.2.3: a body we cannot read → 415 with Accept (RFC 4475 §3.3.6).
  if (req.body.length > 0 && method !== "CANCEL") {
    const type = req.contentType() ?? "application/sdp";
    const accepted = ACCEPTED_BODIES[method] ?? [];
    const encoding = req.get("Content-Encoding");
    if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
      return reject(415, `Content-Encoding "${encoding}" is not supported`, [
        ["Accept-Encoding", "identity"],
      ]);
    }
    if (!accepted.includes(type) && !(type.startsWith("multipart/") && method !== "INVITE")) {
      return reject(415, `body type "${type}" is not understood for ${method}`, [
        ["Accept", ACCEPT_HEADER],
      ]);
    }
  }
  // RFC 4475 §3.3.15: an INVITE whose Accept rules out SDP cannot be answered → 406.
  if (method === "INVITE" && req.has("Accept")) {
    const accept = req.list("Accept").map((a) => (a.split(";")[0] ?? "").trim().toLowerCase());
    const ok = accept.some((a) => a === "application/sdp" || a === "*/*" || a === "application/*");
    if (!ok) {
      return reject(406, "an answer can only be application/sdp, which Accept rules out");
    }
  }
  return undefined;
}
