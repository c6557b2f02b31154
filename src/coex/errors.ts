// One error type for everything coex refuses, so that the endpoint can tell the user what was
// wrong (`message`), what to do about it (`hint`) and branch on `code` without parsing text.

export type CoexErrorCode =
  | "malformed-xml"
  | "malformed-token"
  | "malformed-session-id"
  | "malformed-uri"
  | "malformed-call-info"
  | "malformed-policy"
  | "malformed-snapshot"
  | "unknown-conversation"
  | "unknown-call"
  | "no-sip-address"
  | "no-xmpp-address"
  | "invalid-state";

export class CoexError extends Error {
  override readonly name = "CoexError";
  constructor(
    readonly code: CoexErrorCode,
    message: string,
    readonly hint: string,
  ) {
    super(`${message} (${hint})`);
  }
}
