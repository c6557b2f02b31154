// Parsing and checking an SDP body (RFC 4566) before offer/answer looks at it. sdp-transform is
// lenient; the checks here are the ones offer/answer relies on, each with an error saying what
// is wrong.

import { parse, type SessionDescription } from "sdp-transform";
import { MalformedSdpError, UnsupportedContentTypeError } from "../errors.js";

export type { MediaDescription, SessionDescription } from "sdp-transform";

/** Accepts "application/sdp" with any parameters, in any case (RFC 2045 §5.1). */
export function checkContentType(contentType: string): void {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type !== "application/sdp") throw new UnsupportedContentTypeError(contentType);
}

export function parseSessionDescription(body: string): SessionDescription {
  if (!/^v=0\r?$/m.test(body.split("\n", 1)[0] ?? "")) {
    throw new MalformedSdpError('the body must begin with "v=0" (RFC 4566 §5)');
  }
  let sdp: SessionDescription;
  try {
    sdp = parse(body);
  } catch (cause) {
    throw new MalformedSdpError(`sdp-transform could not parse it (${String(cause)})`);
  }
  if (!sdp.origin) throw new MalformedSdpError('no "o=" line (RFC 4566 §5.2)');
  const media = sdp.media ?? [];
  media.forEach((m, i) => {
    if (!m.type || typeof m.port !== "number" || !m.protocol) {
      throw new MalformedSdpError(`m-line ${i} is incomplete (RFC 4566 §5.14)`);
    }
    if (!Number.isInteger(m.port) || m.port < 0 || m.port > 65535) {
      throw new MalformedSdpError(`m-line ${i} has port ${m.port}, outside 0-65535`);
    }
    if (m.port !== 0 && !m.connection && !sdp.connection) {
      throw new MalformedSdpError(
        `m-line ${i} has no "c=" line and neither has the session (RFC 4566 §5.7)`,
      );
    }
    m.rtp ??= [];
    m.fmtp ??= [];
  });
  sdp.media = media;
  return sdp;
}

/** The payload type numbers listed on an m-line, in the offerer's order of preference. */
export function payloadTypesOf(m: { payloads?: string | number }): number[] {
  return String(m.payloads ?? "")
    .trim()
    .split(/\s+/)
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((p) => p <= 127);
}
