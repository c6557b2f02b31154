// The same MediaSession behind the hook shape our SIP stack settled on (src/sip/ua/
// session-description.ts): explicit createOffer / createAnswer / setAnswer instead of
// getDescription / setDescription. Structural — media does not import the SIP stack — so either
// side may change its file without the other breaking silently: the compiler checks the shapes
// where the endpoint wires them together.

import { InvalidStateError, RequestPendingError } from "../errors.js";
import type { MediaSession } from "./media-session.js";

export interface SessionBody {
  readonly contentType: string;
  readonly content: string;
}

export interface OfferAnswerHandler {
  /** An offer for an INVITE, a re-INVITE, or a 2xx to an INVITE that had none. */
  createOffer(): Promise<SessionBody>;
  /** The answer to a remote offer. */
  createAnswer(offer: SessionBody): Promise<SessionBody>;
  /** The remote answer to our offer. */
  setAnswer(answer: SessionBody): Promise<void>;
  /** The session is over. */
  close(): void;
}

export class OfferAnswerAdapter implements OfferAnswerHandler {
  constructor(readonly media: MediaSession) {}

  async createOffer(): Promise<SessionBody> {
    if (this.media.offerState === "remote-offer") {
      throw new InvalidStateError("a remote offer is waiting for our answer: call createAnswer()");
    }
    const d = await this.media.getDescription();
    return { contentType: d.contentType, content: d.body };
  }

  async createAnswer(offer: SessionBody): Promise<SessionBody> {
    if (this.media.offerState === "local-offer") {
      // Glare (RFC 3264 §4): the UA answers 491; if its own re-INVITE then gets 491 it calls
      // media.rollbackLocalOffer() and may take the peer's offer.
      throw new RequestPendingError("our own offer is outstanding: a second one crossed it (491)");
    }
    await this.media.setDescription(offer.content, offer.contentType);
    const d = await this.media.getDescription();
    return { contentType: d.contentType, content: d.body };
  }

  async setAnswer(answer: SessionBody): Promise<void> {
    if (this.media.offerState !== "local-offer") {
      throw new InvalidStateError("no offer of ours is outstanding: nothing to apply an answer to");
    }
    await this.media.setDescription(answer.content, answer.contentType);
  }

  close(): void {
    this.media.close();
  }
}
