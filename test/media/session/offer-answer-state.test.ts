// The session-description hook's offer/answer state machine (RFC 3264 §4, §8): what the SIP
// stack sees when it calls getDescription()/setDescription() in each state.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  InvalidStateError,
  MalformedSdpError,
  NotAcceptableError,
  OfferAnswerMismatchError,
  RequestPendingError,
  UnsupportedContentTypeError,
} from "../../../src/media/errors.js";
import { CODECS } from "../../../src/media/sdp/codecs.js";
import { planOffer } from "../../../src/media/sdp/offer-answer.js";
import type { StreamPlan } from "../../../src/media/sdp/stream-plan.js";
import { MediaSession } from "../../../src/media/session/media-session.js";
import { testData } from "../../helpers/paths.js";
import { negotiate, sleep } from "../connect.js";

const version = (sdp: string) => Number(/^o=\S+ \S+ (\d+)/m.exec(sdp)![1]);

async function pair(fn: (a: MediaSession, b: MediaSession) => Promise<void>) {
  const a = new MediaSession({ opus: false });
  const b = new MediaSession({ opus: false });
  try {
    await fn(a, b);
  } finally {
    a.close();
    b.close();
  }
}

describe("offer/answer through the session-description hook", () => {
  it("gives the same offer again until answered (an INVITE resent after 401/407)", () =>
    pair(async (a) => {
      const [first, concurrent] = await Promise.all([a.getDescription(), a.getDescription()]);
      assert.equal(concurrent.body, first.body);
      assert.equal(first.contentType, "application/sdp");
      assert.equal((await a.getDescription()).body, first.body);
      assert.equal(a.offerState, "local-offer");
    }));

  it("closed while describing: a typed error and no sockets left behind", async () => {
    const udp = () => process.getActiveResourcesInfo().filter((r) => r === "UDPWrap").length;
    await sleep(50); // sockets of the tests before close
    const before = udp();
    const a = new MediaSession({ opus: false });
    const pending = a.getDescription();
    a.close();
    await assert.rejects(pending, InvalidStateError);
    await assert.rejects(a.getDescription(), InvalidStateError);
    await sleep(50);
    assert.equal(udp(), before);
  });

  it("rejects a body that is not SDP with 415 and broken SDP with 400", () =>
    pair(async (a) => {
      await assert.rejects(
        a.setDescription("v=0", "text/plain"),
        (e: unknown) => e instanceof UnsupportedContentTypeError && e.sipStatus === 415,
      );
      await assert.rejects(
        a.setDescription("hello", "application/sdp"),
        (e: unknown) => e instanceof MalformedSdpError && e.sipStatus === 400,
      );
      assert.equal(a.offerState, "stable");
    }));

  it("answers a WebRTC offer with 488 and a Warning saying why", () =>
    pair(async (a) => {
      const browser = readFileSync(testData("golden", "media", "webrtc-browser.sdp"), "utf8");
      await assert.rejects(
        a.setDescription(browser, "application/sdp; charset=utf-8"),
        (e: unknown) => {
          assert.ok(e instanceof NotAcceptableError);
          assert.equal(e.sipStatus, 488);
          assert.match(e.warning, /^305 duet ".*DTLS-SRTP/);
          return true;
        },
      );
      assert.equal(a.offerState, "stable");
    }));

  it("keeps the session version for an unchanged re-offer and bumps it for hold", () =>
    pair(async (a, b) => {
      const initial = await a.getDescription();
      await b.setDescription(initial.body, initial.contentType);
      await a.setDescription((await b.getDescription()).body, "application/sdp");
      const v1 = version(initial.body);
      const same = await a.getDescription();
      assert.equal(version(same.body), v1);
      assert.equal(same.body, initial.body);
      await b.setDescription(same.body, "application/sdp");
      await a.setDescription((await b.getDescription()).body, "application/sdp");
      a.hold();
      const held = await a.getDescription();
      assert.equal(version(held.body), v1 + 1);
      assert.match(held.body, /^a=sendonly\r$/m);
    }));

  it("refuses a second exchange while one is open (491) and rolls back a lost glare", () =>
    pair(async (a, b) => {
      await negotiate(a, b);
      await a.getDescription(); // A's re-offer is out
      assert.throws(
        () => a.hold(),
        (e: unknown) => e instanceof RequestPendingError && e.sipStatus === 491,
      );
      // B's re-INVITE crossed ours; the SIP layer got 491 for ours and rolls back:
      a.rollbackLocalOffer();
      assert.equal(a.offerState, "stable");
      b.hold();
      const bOffer = await b.getDescription();
      await a.setDescription(bOffer.body, bOffer.contentType);
      await assert.rejects(a.setDescription(bOffer.body, bOffer.contentType), RequestPendingError);
      const answer = await a.getDescription();
      assert.match(answer.body, /^a=recvonly\r$/m);
      await b.setDescription(answer.body, answer.contentType);
      assert.equal(b.negotiated[0]?.direction, "sendonly");
    }));

  it("rejects an answer with the wrong number of m-lines", () =>
    pair(async (a) => {
      const offer = await a.getDescription();
      const twoLines = `${offer.body}m=video 5000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n`;
      await assert.rejects(a.setDescription(twoLines, "application/sdp"), OfferAnswerMismatchError);
    }));

  it("keeps running when the answer refuses rtcp-mux (RTCP on port + 1)", () =>
    pair(async (a, b) => {
      const offer = await a.getDescription();
      const noMux = offer.body.replace("a=rtcp-mux\r\n", "");
      await b.setDescription(noMux, "application/sdp");
      const answer = await b.getDescription();
      assert.doesNotMatch(answer.body, /rtcp-mux/);
      await a.setDescription(answer.body, answer.contentType);
      assert.equal(a.negotiated[0]?.rtcpMux, false);
      assert.equal(a.negotiated[0]?.remote?.rtcpPort, a.negotiated[0]!.remote!.rtpPort + 1);
    }));

  it("declines video offered to a session that removed it, and the offerer sees port 0", () =>
    pair(async (a, b) => {
      await negotiate(a, b);
      b.removeVideo();
      a.addVideo();
      await negotiate(a, b);
      assert.deepEqual(
        a.negotiated.map((p) => [p.media, p.accepted]),
        [
          ["audio", true],
          ["video", false],
        ],
      );
      assert.match(a.negotiated[1]!.declineReason!, /declined by the peer/);
    }));

  it("offers declined foreign m-lines back unchanged with port 0 (RFC 3264 §8)", () =>
    pair(async (a) => {
      const offer = readFileSync(testData("golden", "media", "two-audio-and-t38.sdp"), "utf8");
      await a.setDescription(offer, "application/sdp");
      await a.getDescription();
      const reoffer = await a.getDescription();
      const mLines = reoffer.body.split("\r\n").filter((l) => l.startsWith("m="));
      assert.equal(mLines.length, 3);
      assert.match(mLines[0]!, /^m=audio [1-9]\d* RTP\/AVP /);
      assert.equal(mLines[1], "m=audio 0 RTP/AVP 8");
      assert.equal(mLines[2], "m=image 0 udptl t38");
    }));

  it("keeps agreed payload types in a re-offer (RFC 3264 §8.3.2)", () => {
    const previous: StreamPlan = {
      index: 0,
      media: "audio",
      protocol: "RTP/AVP",
      kind: "audio",
      accepted: true,
      formats: [{ codec: CODECS.PCMU, payloadType: 0 }],
      telephoneEvent: { codec: CODECS["telephone-event"], payloadType: 100 },
      direction: "sendrecv",
      ptime: 20,
      rtcpMux: true,
      secure: false,
    };
    const [plan] = planOffer(
      [{ kind: "audio", enabled: true, hold: false }],
      { opus: true, video: true, srtp: "off", secureSignaling: false },
      [previous],
    );
    assert.deepEqual(
      [...plan!.formats, plan!.telephoneEvent!].map((f) => [f.codec.name, f.payloadType]),
      [
        ["opus", 111],
        ["PCMU", 0],
        ["PCMA", 8],
        ["telephone-event", 100],
      ],
    );
  });
});
