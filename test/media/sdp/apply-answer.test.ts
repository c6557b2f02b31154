// Applying a peer's answer to our offer (RFC 3264 §6, §7), rule by rule, on hand-written answers.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OfferAnswerMismatchError } from "../../../src/media/errors.js";
import { applyAnswer, planOffer } from "../../../src/media/sdp/offer-answer.js";
import { parseSessionDescription } from "../../../src/media/sdp/session-description.js";
import type { LocalCapabilities } from "../../../src/media/sdp/stream-plan.js";

const caps: LocalCapabilities = {
  opus: true,
  video: true,
  srtp: "mandatory",
  secureSignaling: false,
};
const offer = planOffer(
  [
    { kind: "audio", enabled: true, hold: false },
    { kind: "video", enabled: true, hold: false },
  ],
  caps,
  [],
);

function answer(...media: string[]): ReturnType<typeof parseSessionDescription> {
  return parseSessionDescription(
    ["v=0", "o=peer 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", ...media, ""].join(
      "\r\n",
    ),
  );
}

describe("applyAnswer", () => {
  it("takes the answer's formats and payload types, tolerating a missing rtpmap", () => {
    const [audio, video] = applyAnswer(
      offer,
      answer(
        // 101 without rtpmap: the answerer kept our number (liberal in what we accept);
        // 97 was never offered and is ignored.
        "m=audio 4000 RTP/AVP 8 101 97",
        "a=rtpmap:97 iLBC/8000",
        "a=recvonly",
        "a=ptime:40",
        "a=rtcp-mux",
        "m=video 4002 RTP/AVP 96",
        "a=rtpmap:96 VP8/90000",
      ),
    );
    assert.deepEqual(
      audio!.formats.map((f) => [f.codec.name, f.payloadType]),
      [["PCMA", 8]],
    );
    assert.equal(audio!.telephoneEvent?.payloadType, 101);
    assert.equal(audio!.direction, "sendonly"); // the answerer only receives
    assert.equal(audio!.ptime, 40);
    assert.equal(audio!.rtcpMux, true);
    assert.equal(video!.accepted, true);
    assert.equal(video!.rtcpMux, false);
    assert.equal(video!.remote?.rtcpPort, 4003);
  });

  it("turns off a stream the answer declines or cannot use, keeping the rest", () => {
    const [audio, video] = applyAnswer(
      offer,
      answer("m=audio 4000 RTP/AVP 0", "m=video 0 RTP/AVP 96"),
    );
    assert.equal(audio!.accepted, true);
    assert.equal(video!.accepted, false);
    assert.match(video!.declineReason!, /declined by the peer/);
    const [, h264] = applyAnswer(
      offer,
      answer("m=audio 4000 RTP/AVP 0", "m=video 4002 RTP/AVP 97", "a=rtpmap:97 H264/90000"),
    );
    assert.match(h264!.declineReason!, /none of the codecs we offered/);
  });

  it("needs an a=crypto key in the answer to an RTP/SAVP offer", () => {
    const secure = planOffer(
      [{ kind: "audio", enabled: true, hold: false }],
      { ...caps, secureSignaling: true },
      [],
    );
    assert.equal(secure[0]!.protocol, "RTP/SAVP");
    const [noKey] = applyAnswer(secure, answer("m=audio 4000 RTP/SAVP 0"));
    assert.equal(noKey!.accepted, false);
    const [keyed] = applyAnswer(
      secure,
      answer(
        "m=audio 4000 RTP/SAVP 0",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk",
      ),
    );
    assert.equal(keyed!.secure, true);
    assert.equal(keyed!.remoteKey?.masterKey.toString("latin1"), "ABCDEFGHIJKLMNOP");
  });

  it("rejects an answer whose m-lines do not match the offer", () => {
    assert.throws(
      () => applyAnswer(offer, answer("m=audio 4000 RTP/AVP 0")),
      OfferAnswerMismatchError,
    );
    assert.throws(
      () => applyAnswer(offer, answer("m=video 4000 RTP/AVP 96", "m=audio 4002 RTP/AVP 0")),
      /m-line 0 is "audio" in our offer and "video" in the answer/,
    );
  });

  it("sends nothing to an answer that gives 0.0.0.0 (old-style hold)", () => {
    const [audio] = applyAnswer(
      offer,
      answer("m=audio 4000 RTP/AVP 0", "c=IN IP4 0.0.0.0", "m=video 0 RTP/AVP 96"),
    );
    assert.equal(audio!.direction, "recvonly");
    assert.equal(audio!.remote?.address, undefined);
  });
});
