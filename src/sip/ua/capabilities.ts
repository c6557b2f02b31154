// What this UA implements, as advertised in Allow, Accept and Supported (RFC 3261 §11.2,
// §20.1, §20.5, §20.37) and checked on every request (§8.2.1–§8.2.3).

/** Methods we handle as a UAS. */
export const ALLOWED_METHODS = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "MESSAGE"] as const;

/** Methods defined by SIP RFCs that we know but do not serve: 405 instead of 501 (§8.2.1). */
export const KNOWN_METHODS = new Set<string>([
  ...ALLOWED_METHODS,
  "REGISTER",
  "PRACK",
  "SUBSCRIBE",
  "NOTIFY",
  "PUBLISH",
  "INFO",
  "REFER",
  "UPDATE",
]);

/** Option tags we support (RFC 5627 gru, RFC 5626 outbound is not claimed). */
export const SUPPORTED_EXTENSIONS = ["gruu", "path"] as const;

/** Body types per method that we understand. */
export const ACCEPTED_BODIES: Readonly<Record<string, readonly string[]>> = {
  INVITE: ["application/sdp"],
  ACK: ["application/sdp"],
  MESSAGE: ["text/plain", "application/im-iscomposing+xml", "message/cpim"],
  BYE: [],
  OPTIONS: [],
  CANCEL: [],
};

/** The types we list in Accept (for OPTIONS answers and 415s). */
export const ACCEPT_HEADER = "application/sdp, text/plain";
export const ALLOW_HEADER = ALLOWED_METHODS.join(", ");
export const SUPPORTED_HEADER = SUPPORTED_EXTENSIONS.join(", ");
