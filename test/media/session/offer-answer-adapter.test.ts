// The createOffer/createAnswer/setAnswer shape of the hook (the one src/sip calls) over two
// MediaSessions, including the late-offer flow and glare.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ToneSource } from "../../../src/media/audio/source.js";
import { InvalidStateError, RequestPendingError } from "../../../src/media/errors.js";
import { MediaSession } from "../../../src/media/session/media-session.js";
import { OfferAnswerAdapter } from "../../../src/media/session/offer-answer-adapter.js";
import { sleep } from "../connect.js";

function pair() {
  const a = new OfferAnswerAdapter(
    new MediaSession({ audioSource: new ToneSource(440), opus: false }),
  );
  const b = new OfferAnswerAdapter(
    new MediaSession({ audioSource: new ToneSource(1000), opus: false }),
  );
  return {
    a,
    b,
    close: () => {
      a.close();
      b.close();
    },
  };
}

describe("OfferAnswerAdapter", () => {
  it("carries a call: INVITE offer, 200 answer, then media flows", async () => {
    const { a, b, close } = pair();
    try {
      const offer = await a.createOffer();
      assert.equal(offer.contentType, "application/sdp");
      await a.setAnswer(await b.createAnswer(offer));
      await sleep(200);
      assert.ok((a.media.statistics().audio?.packetsReceived ?? 0) > 3);
      assert.ok((b.media.statistics().audio?.packetsReceived ?? 0) > 3);
    } finally {
      close();
    }
  });

  it("carries a late offer: offer in the 200, answer in the ACK", async () => {
    const { a, b, close } = pair();
    try {
      const offerIn200 = await b.createOffer();
      const answerInAck = await a.createAnswer(offerIn200);
      await b.setAnswer(answerInAck);
      assert.equal(b.media.negotiated[0]?.accepted, true);
    } finally {
      close();
    }
  });

  it("refuses a crossing offer (491) and out-of-turn answers", async () => {
    const { a, b, close } = pair();
    try {
      await a.setAnswer(await b.createAnswer(await a.createOffer()));
      const ours = await a.createOffer();
      const theirs = await b.createOffer();
      await assert.rejects(a.createAnswer(theirs), RequestPendingError);
      a.media.rollbackLocalOffer();
      await b.setAnswer(await a.createAnswer(theirs));
      await assert.rejects(
        a.setAnswer({ contentType: "application/sdp", content: ours.content }),
        InvalidStateError,
      );
    } finally {
      close();
    }
  });
});
