// The one error type the message layer raises for bad input. Anything a peer can send that we
// cannot read ends as a SipParseError saying what is wrong and where, never as a TypeError from
// deep inside a parser (RFC 3261 §8.2 / RFC 4475 §3.1.2: refuse malformed messages without harm).

/** What kind of defect a message has; stable names for tests and for the 400 reason phrase. */
export type SipParseErrorCode =
  | "empty"
  | "start-line"
  | "version"
  | "status-code"
  | "method"
  | "uri"
  | "header-line"
  | "header-value"
  | "missing-header"
  | "duplicate-header"
  | "content-length"
  | "truncated-body"
  | "cseq"
  | "cseq-method-mismatch"
  | "too-large";

export class SipParseError extends Error {
  override readonly name = "SipParseError";
  /** The header the defect is in (canonical name), if it is in one. */
  readonly header: string | undefined;

  constructor(
    readonly code: SipParseErrorCode,
    message: string,
    header?: string,
  ) {
    super(header ? `${header}: ${message}` : message);
    this.header = header;
  }
}

/** Raises a SipParseError; `never`, so it can end an expression. */
export function fail(code: SipParseErrorCode, message: string, header?: string): never {
  throw new SipParseError(code, message, header);
}
