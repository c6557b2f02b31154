// Framing SIP messages on a byte stream (TCP, TLS; RFC 3261 §18.3): the blank line ends the head,
// Content-Length (mandatory on streams) gives the body. CRLF CRLF between messages is the RFC 5626
// §3.5.1 keep-alive ping, answered with a single CRLF pong.

import { SipParseError } from "./parse-error.js";
import { findHeaderEnd, type ParseResult, parseParts } from "./parser.js";

export type FramerEvent =
  | { readonly type: "message"; readonly result: ParseResult }
  | { readonly type: "ping" }
  | { readonly type: "pong" }
  /** The stream cannot be framed any more: the connection must be closed (§18.3). */
  | { readonly type: "fatal"; readonly error: SipParseError };

export interface FramerLimits {
  readonly maxHeadBytes: number;
  readonly maxBodyBytes: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

export class StreamFramer {
  private buffer = new Uint8Array(0);
  private broken = false;

  constructor(
    private readonly limits: FramerLimits = { maxHeadBytes: 64 * 1024, maxBodyBytes: 4 << 20 },
  ) {}

  /** Feeds received bytes; returns what they completed. */
  push(chunk: Uint8Array): FramerEvent[] {
    if (this.broken) return [];
    if (this.buffer.length === 0) this.buffer = chunk.slice();
    else {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer, 0);
      joined.set(chunk, this.buffer.length);
      this.buffer = joined;
    }
    const events: FramerEvent[] = [];
    for (;;) {
      const event = this.next();
      if (!event) break;
      events.push(event);
      if (event.type === "fatal") {
        this.broken = true;
        this.buffer = new Uint8Array(0);
        break;
      }
    }
    return events;
  }

  private next(): FramerEvent | undefined {
    const b = this.buffer;
    // Keep-alives: "\r\n\r\n" is a ping, a lone "\r\n" a pong (RFC 5626 §3.5.1).
    if (b.length >= 2 && b[0] === 13 && b[1] === 10) {
      if (b.length >= 4 && b[2] === 13 && b[3] === 10) {
        this.buffer = b.subarray(4);
        return { type: "ping" };
      }
      if (b.length >= 3 && b[2] !== 13) {
        this.buffer = b.subarray(2);
        return { type: "pong" };
      }
      if (b.length === 2) return undefined;
      if (b.length === 3) return undefined;
    }
    const end = findHeaderEnd(b, 0);
    if (!end) {
      if (b.length > this.limits.maxHeadBytes) {
        return {
          type: "fatal",
          error: new SipParseError(
            "too-large",
            `header section over ${this.limits.maxHeadBytes} octets`,
          ),
        };
      }
      return undefined;
    }
    const head = utf8.decode(b.subarray(0, end[0]));
    const length = contentLengthOf(head);
    if (length === "invalid") {
      return {
        type: "fatal",
        error: new SipParseError(
          "content-length",
          "Content-Length on a stream is not a number: the message cannot be framed",
          "Content-Length",
        ),
      };
    }
    // A missing Content-Length on a stream is an error in the sender (§18.3); we read it as 0.
    const bodyLength = length ?? 0;
    if (bodyLength > this.limits.maxBodyBytes) {
      return {
        type: "fatal",
        error: new SipParseError("too-large", `body of ${bodyLength} octets is over the limit`),
      };
    }
    if (b.length < end[1] + bodyLength) return undefined;
    const body = b.slice(end[1], end[1] + bodyLength);
    this.buffer = b.subarray(end[1] + bodyLength);
    return { type: "message", result: parseParts(head, body, false) };
  }
}

/** Content-Length of a head (full or compact "l" form), undefined if absent. */
function contentLengthOf(head: string): number | undefined | "invalid" {
  const m = /(?:^|\n)[ \t]*(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/i.exec(head);
  if (!m) return undefined;
  const v = (m[1] as string).trim();
  return /^[0-9]{1,9}$/.test(v) ? Number(v) : "invalid";
}
