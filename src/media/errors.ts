// Typed errors of the media layer. Each carries the SIP status a signalling layer should answer
// with when the error comes out of setDescription(), so that the SIP stack can map it without
// parsing messages (RFC 3261 §21.4.26 488, §21.4.13 415, §14.2 491).

export type MediaErrorCode =
  | "unsupported-content-type"
  | "malformed-sdp"
  | "not-acceptable"
  | "offer-answer-mismatch"
  | "request-pending"
  | "invalid-state"
  | "invalid-argument"
  | "io";

export class MediaError extends Error {
  override readonly name: string = "MediaError";
  constructor(
    readonly code: MediaErrorCode,
    message: string,
    /** The SIP response a UA should send when this error rejects a remote description. */
    readonly sipStatus: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The body is not SDP: answer 415 with Accept: application/sdp. */
export class UnsupportedContentTypeError extends MediaError {
  override readonly name = "UnsupportedContentTypeError";
  constructor(readonly contentType: string) {
    super(
      "unsupported-content-type",
      `session description of type "${contentType}" is not supported: send application/sdp`,
      415,
    );
  }
}

/** The SDP cannot be parsed or breaks RFC 4566 / RFC 3264 rules. */
export class MalformedSdpError extends MediaError {
  override readonly name = "MalformedSdpError";
  constructor(message: string) {
    super("malformed-sdp", `malformed SDP: ${message}`, 400);
  }
}

/** Why one offered m-line was declined (it is answered with port 0). */
export interface DeclinedStream {
  readonly index: number;
  readonly media: string;
  readonly reason: string;
}

/**
 * No offered stream can be accepted (RFC 3261 §21.4.26 488 Not Acceptable Here, with a Warning
 * 305/304 saying why: `warning` holds the text for that header).
 */
export class NotAcceptableError extends MediaError {
  override readonly name = "NotAcceptableError";
  constructor(readonly declined: readonly DeclinedStream[]) {
    super(
      "not-acceptable",
      `no offered media stream is acceptable: ${declined
        .map((d) => `m-line ${d.index} (${d.media}): ${d.reason}`)
        .join("; ")}`,
      488,
    );
  }

  /** Text for a Warning header (RFC 3261 §20.43, code 305 "Incompatible media format"). */
  get warning(): string {
    return `305 duet "${this.declined.map((d) => d.reason).join("; ")}"`;
  }
}

/** An answer that does not fit the offer we made (RFC 3264 §6: same m-lines, same order). */
export class OfferAnswerMismatchError extends MediaError {
  override readonly name = "OfferAnswerMismatchError";
  constructor(message: string) {
    super("offer-answer-mismatch", `answer does not match our offer: ${message}`, 488);
  }
}

/**
 * A remote offer arrived while our own offer is outstanding (glare, RFC 3264 §4 forbids a new
 * offer before the answer). The SIP layer answers 491 and calls rollbackLocalOffer() if its own
 * re-INVITE then fails with 491 (RFC 3261 §14.1).
 */
export class RequestPendingError extends MediaError {
  override readonly name = "RequestPendingError";
  constructor(message: string) {
    super("request-pending", message, 491);
  }
}

export class InvalidStateError extends MediaError {
  override readonly name = "InvalidStateError";
  constructor(message: string) {
    super("invalid-state", message, 500);
  }
}

export class InvalidArgumentError extends MediaError {
  override readonly name = "InvalidArgumentError";
  constructor(message: string) {
    super("invalid-argument", message, 500);
  }
}

/** Reading or writing a media file failed (WAV, IVF). */
export class MediaFileError extends MediaError {
  override readonly name = "MediaFileError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("io", message, 500, options);
  }
}
