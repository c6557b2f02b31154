// SRTP between two of our endpoints over SIP TLS: alice and bob (src/sip UserAgents) register and
// call each other through Kamailio over TLS (the sandbox's own CA), each with a MediaSession that
// knows its signalling is TLS, so SDES keys (RFC 4568) are offered and accepted. A relay in the
// media path (both SDPs pointed at it, as an SBC would) checks that what crosses the wire is not
// plain RTP, while both recordings still hold the other side's tone.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SystemClock } from "../../../src/common/clock.js";
import { decodeG711 } from "../../../src/media/audio/g711.js";
import { ToneSource } from "../../../src/media/audio/source.js";
import { WavRecorder } from "../../../src/media/audio/wav-recorder.js";
import { MediaSession } from "../../../src/media/session/media-session.js";
import {
  OfferAnswerAdapter,
  type OfferAnswerHandler,
  type SessionBody,
} from "../../../src/media/session/offer-answer-adapter.js";
import { locate, NodeTransportLayer } from "../../../src/sip/transport/index.js";
import { IncomingCall, OutgoingCall, Registration, UserAgent } from "../../../src/sip/ua/index.js";
import { useSandbox } from "../../helpers/sandbox.js";
import { sleep } from "../connect.js";
import { toneWindows } from "../tone-analysis.js";
import { audioPortOf, UdpRelay } from "../udp-relay.js";

/** Points the SDP bodies at the relay on their way between the SIP stack and the media. */
class RelayingHook implements OfferAnswerHandler {
  constructor(
    private readonly inner: OfferAnswerAdapter,
    private readonly rewriteOffer: (sdp: string) => Promise<string>,
    private readonly rewriteAnswer: (sdp: string) => string,
  ) {}
  createOffer(): Promise<SessionBody> {
    return this.inner.createOffer();
  }
  async createAnswer(offer: SessionBody): Promise<SessionBody> {
    return this.inner.createAnswer({ ...offer, content: await this.rewriteOffer(offer.content) });
  }
  setAnswer(answer: SessionBody): Promise<void> {
    return this.inner.setAnswer({ ...answer, content: this.rewriteAnswer(answer.content) });
  }
  close(): void {
    this.inner.close();
  }
}

function payloadAudio(packets: Buffer[]): Int16Array {
  const parts = packets.map((p) => decodeG711("PCMU", p.subarray(12, 172)));
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("SRTP between two of our endpoints over SIP TLS", () => {
  const sandbox = useSandbox({ tls: true });

  it("encrypts what crosses the wire while both sides hear the tones", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    assert.ok(info.sip.tlsPort && info.caFile, "the TLS sandbox has no SIP TLS port");
    const proxy = `sip:${info.sip.host}:${info.sip.tlsPort};transport=tls;lr`;
    const ca = readFileSync(info.caFile);
    const clock = new SystemClock();
    let relay: UdpRelay | undefined;

    const dir = mkdtempSync(join(tmpdir(), "duet-media-srtp-tls-"));
    const heardByAlice = new WavRecorder(join(dir, "alice.wav"));
    const heardByBob = new WavRecorder(join(dir, "bob.wav"));
    const aliceMedia = new MediaSession({
      clock,
      audioSource: new ToneSource(440),
      audioRecorder: heardByAlice,
      opus: false,
      secureSignaling: true,
      srtp: "mandatory",
    });
    const bobMedia = new MediaSession({
      clock,
      audioSource: new ToneSource(1000),
      audioRecorder: heardByBob,
      opus: false,
      secureSignaling: true,
    });
    const aliceHook = new RelayingHook(
      new OfferAnswerAdapter(aliceMedia),
      async (sdp) => sdp,
      (sdp) => relay!.rewriteAnswer(sdp),
    );
    const bobHook = new RelayingHook(
      new OfferAnswerAdapter(bobMedia),
      async (sdp) => {
        relay = await UdpRelay.open({ address: "127.0.0.1", port: audioPortOf(sdp) });
        return relay.rewrite(sdp);
      },
      (sdp) => sdp,
    );

    const start = async (who: "alice" | "bob", hook: OfferAnswerHandler) => {
      const transport = await NodeTransportLayer.start({ clock, udp: 0, tcp: 0, ca });
      const acct = info.accounts[who];
      const ua = new UserAgent({
        transport,
        clock,
        aor: acct.aor,
        credentials: { username: acct.sipUser, password: acct.password },
        outboundProxy: proxy,
        preferredTransport: "TLS",
        resolver: (uri, preferred) => locate(uri, preferred),
        sessionDescription: () => hook,
      });
      // Every SIP message in and out, by transport: the SDES keys must only travel over TLS.
      ua.onTrace = (_direction, _message, flow) => sipTransports.add(flow.transport);
      return { ua, transport };
    };
    const sipTransports = new Set<string>();
    const alice = await start("alice", aliceHook);
    const bob = await start("bob", bobHook);
    bob.ua.onRequest = (ctx) => {
      if (ctx.request.method === "INVITE") void new IncomingCall(bob.ua, ctx).accept();
      else ctx.reply(200);
    };
    const bobReg = new Registration(bob.ua, { expires: 120 });
    try {
      await bobReg.register();
      const call = await OutgoingCall.start(alice.ua, info.accounts.bob.aor);
      await call.accepted;
      await sleep(2500);
      assert.equal(aliceMedia.negotiated[0]?.secure, true);
      assert.equal(bobMedia.negotiated[0]?.secure, true);
      assert.ok(relay, "bob never got an offer");
      const wire = relay.seen.filter(
        (p) => p.data.length >= 12 && !(p.data[1]! >= 192 && p.data[1]! <= 223),
      );
      assert.ok(wire.length > 150, `only ${wire.length} RTP packets crossed the relay`);
      // Both directions carry the SRTP authentication tag and no readable tone.
      for (const fromAlice of [true, false]) {
        const packets = wire.filter((p) => p.fromInner === fromAlice).map((p) => p.data);
        assert.ok(
          packets.every((p) => p.length === 12 + 160 + 10),
          "a packet on the wire has the size of plain RTP",
        );
        const tone = fromAlice ? 440 : 1000;
        const readable = toneWindows(payloadAudio(packets), 8000, tone, [fromAlice ? 1000 : 440]);
        assert.ok(
          readable.withTone < readable.windows * 0.02,
          `${readable.withTone} windows of ${tone} Hz readable on the wire`,
        );
      }
      const atAlice = toneWindows(heardByAlice.recorded.samples, 8000, 1000, [440]);
      const atBob = toneWindows(heardByBob.recorded.samples, 8000, 440, [1000]);
      assert.ok(
        atAlice.withTone >= 0.95 * atAlice.windows && atAlice.windows > 80,
        `alice heard 1 kHz in ${atAlice.withTone}/${atAlice.windows}`,
      );
      assert.ok(
        atBob.withTone >= 0.95 * atBob.windows && atBob.windows > 80,
        `bob heard 440 Hz in ${atBob.withTone}/${atBob.windows}`,
      );
      assert.equal(aliceMedia.statistics().audio?.authenticationFailures, 0);
      assert.deepEqual([...sipTransports], ["TLS"]);
      assert.equal(await call.bye(), 200);
    } finally {
      bobReg.stop();
      aliceMedia.close();
      bobMedia.close();
      relay?.close();
      for (const side of [alice, bob]) {
        await side.ua.close();
        await side.transport.close();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
