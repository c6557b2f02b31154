// The session-description hook (offer/answer, RFC 3264 over SIP per RFC 3261 §13.2.1): SIP
// carries the bodies, something else (src/media) makes and reads them.

export interface SessionBody {
  readonly contentType: string;
  readonly content: string;
}

export interface SessionDescriptionHandler {
  /** An offer for an INVITE, a re-INVITE, or a 2xx to an INVITE that had none. */
  createOffer(): Promise<SessionBody>;
  /** The answer to a remote offer. */
  createAnswer(offer: SessionBody): Promise<SessionBody>;
  /** The remote answer to our offer. */
  setAnswer(answer: SessionBody): Promise<void>;
  /** The session is over. */
  close(): void;
}

export interface CallInfo {
  readonly callId: string;
  readonly direction: "incoming" | "outgoing";
}

export type SessionDescriptionHandlerFactory = (call: CallInfo) => SessionDescriptionHandler;
