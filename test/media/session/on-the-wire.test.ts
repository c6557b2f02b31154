// Media seen on the wire through a relay in the test: RTCP loss figures against the relay's
// own count of what it dropped, and SRTP (SDES keys, as over SIP TLS) that leaves no plain audio
// on the wire while the recordings still hold the tones.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { decodeG711 } from "../../../src/media/audio/g711.js";
import { ToneSource } from "../../../src/media/audio/source.js";
import { WavRecorder } from "../../../src/media/audio/wav-recorder.js";
import {
  MediaSession,
  type MediaSessionOptions,
} from "../../../src/media/session/media-session.js";
import { sleep } from "../connect.js";
import { toneWindows } from "../tone-analysis.js";
import { audioPortOf, UdpRelay } from "../udp-relay.js";

const dir = mkdtempSync(join(tmpdir(), "duet-media-wire-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A offers; B answers; all media between them goes through a relay. */
async function relayedCall(options: MediaSessionOptions) {
  const a = new MediaSession({ ...options, audioSource: new ToneSource(440) });
  const b = new MediaSession({ ...options, audioSource: new ToneSource(1000) });
  const offer = await a.getDescription();
  const relay = await UdpRelay.open({ address: "127.0.0.1", port: audioPortOf(offer.body) });
  await b.setDescription(relay.rewrite(offer.body), offer.contentType);
  const answer = await b.getDescription();
  await a.setDescription(relay.rewriteAnswer(answer.body), answer.contentType);
  return {
    a,
    b,
    relay,
    close: () => {
      a.close();
      b.close();
      relay.close();
    },
  };
}

/** Plain µ-law payloads of the given packets, decoded and joined (header 12 bytes, no CSRC). */
function payloadAudio(packets: Buffer[]): Int16Array {
  const parts = packets
    .filter((p) => (p[1]! & 0x7f) === 0)
    .map((p) => decodeG711("PCMU", p.subarray(12, 172)));
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("media on the wire", () => {
  it("RTCP reports the loss a relay causes by dropping 5% of RTP", async () => {
    const call = await relayedCall({ opus: false, rtcpIntervalMs: 300 });
    try {
      call.relay.dropShare = 0.05;
      await sleep(3000);
      call.relay.dropShare = 0;
      await sleep(1200); // a few more report intervals with nothing dropped
      const dropped = call.relay.droppedSequences.length;
      const total = dropped + call.relay.forwardedRtp;
      assert.ok(dropped > 0 && total > 150, `relay dropped ${dropped} of ${total}`);
      const atA = call.a.statistics().audio!;
      const atB = call.b.statistics().audio!;
      // A's own reception statistics (RFC 3550 A.3) ...
      assert.equal(atA.packetsLost, dropped);
      // ... and what A told B in its RTCP receiver reports about B's stream.
      assert.ok(atB.remoteReport, "B got no report block from A");
      assert.ok(
        Math.abs(atB.remoteReport.cumulativeLost - dropped) <= 1,
        `A reported ${atB.remoteReport.cumulativeLost} lost, the relay dropped ${dropped}`,
      );
      // Round-trip time from LSR/DLSR (RFC 3550 §6.4.1): on loopback, small but measured.
      assert.ok(
        atB.roundTripTimeMs !== undefined && atB.roundTripTimeMs >= 0 && atB.roundTripTimeMs < 200,
      );
      assert.ok(atA.rtcpReportsReceived > 3 && atA.jitterMs >= 0);
      // Nothing was dropped in the other direction.
      assert.equal(atA.remoteReport?.cumulativeLost, 0);
    } finally {
      call.close();
    }
  });

  it("SRTP hides the audio on the wire while both sides still hear the tones", async () => {
    const a = new WavRecorder(join(dir, "a.wav"));
    const b = new WavRecorder(join(dir, "b.wav"));
    const sa = new MediaSession({
      opus: false,
      secureSignaling: true,
      srtp: "mandatory",
      audioSource: new ToneSource(440),
      audioRecorder: a,
    });
    const sb = new MediaSession({
      opus: false,
      secureSignaling: true,
      audioSource: new ToneSource(1000),
      audioRecorder: b,
    });
    const offer = await sa.getDescription();
    assert.match(offer.body, /^m=audio \d+ RTP\/SAVP 0 8 101\r$/m);
    assert.match(offer.body, /^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m);
    const relay = await UdpRelay.open({ address: "127.0.0.1", port: audioPortOf(offer.body) });
    try {
      await sb.setDescription(relay.rewrite(offer.body), offer.contentType);
      const answer = await sb.getDescription();
      assert.match(answer.body, /^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m);
      await sa.setDescription(relay.rewriteAnswer(answer.body), answer.contentType);
      await sleep(2500);
      const wire = relay.outerRtp();
      assert.ok(wire.length > 100, `only ${wire.length} packets crossed the relay`);
      // SRTP adds the 10-byte authentication tag (RFC 3711 §4.2, HMAC-SHA1-80).
      assert.ok(
        wire.every((p) => p.length === 12 + 160 + 10),
        "a packet on the wire has the size of plain RTP",
      );
      const onWire = toneWindows(payloadAudio(wire), 8000, 1000, [440]);
      assert.ok(
        onWire.withTone < onWire.windows * 0.02,
        `${onWire.withTone} windows of the tone readable on the wire`,
      );
      assert.equal(sa.statistics().audio?.authenticationFailures, 0);
      const heardAtA = toneWindows(a.recorded.samples, 8000, 1000, [440]);
      const heardAtB = toneWindows(b.recorded.samples, 8000, 440, [1000]);
      assert.ok(
        heardAtA.withTone >= heardAtA.windows * 0.9,
        `A heard 1 kHz in ${heardAtA.withTone}/${heardAtA.windows}`,
      );
      assert.ok(
        heardAtB.withTone >= heardAtB.windows * 0.9,
        `B heard 440 Hz in ${heardAtB.withTone}/${heardAtB.windows}`,
      );
    } finally {
      sa.close();
      sb.close();
      relay.close();
    }
  });

  it("without SRTP the same relay check does read the tone (the check can fail)", async () => {
    const call = await relayedCall({ opus: false });
    try {
      await sleep(800);
      const wire = call.relay.outerRtp();
      assert.ok(wire.every((p) => p.length === 12 + 160));
      const onWire = toneWindows(payloadAudio(wire), 8000, 1000, [440]);
      assert.ok(onWire.withTone > onWire.windows * 0.9);
    } finally {
      call.close();
    }
  });
});
