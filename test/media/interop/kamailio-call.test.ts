// The acceptance call: our endpoint (src/sip's UserAgent with a MediaSession behind its
// session-description hook) calls baresip through Kamailio (the sandbox: digest auth, record-
// routing proxy). Each side sends its own tone; each side's received audio must hold the
// other's tone for at least 95% of what it recorded, and the recordings must span the call.

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import wavefile from "wavefile";
import { SystemClock } from "../../../src/common/clock.js";
import { ToneSource } from "../../../src/media/audio/source.js";
import { WavRecorder } from "../../../src/media/audio/wav-recorder.js";
import { readWavFile } from "../../../src/media/audio/wav-source.js";
import { MediaSession } from "../../../src/media/session/media-session.js";
import { OfferAnswerAdapter } from "../../../src/media/session/offer-answer-adapter.js";
import { locate, NodeTransportLayer } from "../../../src/sip/transport/index.js";
import {
  OutgoingCall,
  type SessionDescriptionHandler as SipSessionDescriptionHandler,
  UserAgent,
} from "../../../src/sip/ua/index.js";
import { useSandbox } from "../../helpers/sandbox.js";
import { sleep } from "../connect.js";
import { toneWindows } from "../tone-analysis.js";
import { startBaresip } from "./baresip.js";

const dir = mkdtempSync(join(tmpdir(), "duet-media-kamailio-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("a call through Kamailio with baresip", () => {
  const sandbox = useSandbox();

  it("each side hears the other's tone", { timeout: 60_000 }, async () => {
    const { sip, accounts } = sandbox();
    const proxy = `sip:${sip.host}:${sip.udpPort};transport=udp`;
    const toneWav = join(dir, "1khz.wav");
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, 8000, "16", new ToneSource(1000).read(8000 * 30, 8000));
    writeFileSync(toneWav, wav.toBuffer());

    const baresip = await startBaresip({
      dir,
      sourceWav: toneWav,
      account: { aor: accounts.carol.aor, password: accounts.carol.password, proxy },
      quitAfterSeconds: 40,
    });
    const clock = new SystemClock();
    const transport = await NodeTransportLayer.start({ clock, udp: 0, tcp: 0 });
    const recorder = new WavRecorder(join(dir, "ours.wav"));
    const media = new MediaSession({
      clock,
      audioSource: new ToneSource(440),
      audioRecorder: recorder,
      opus: false,
    });
    // The compiler checks here that the adapter fits the SIP stack's hook.
    const hook: SipSessionDescriptionHandler = new OfferAnswerAdapter(media);
    const ua = new UserAgent({
      transport,
      clock,
      aor: accounts.alice.aor,
      credentials: { username: accounts.alice.sipUser, password: accounts.alice.password },
      outboundProxy: `${proxy};lr`,
      resolver: (uri, preferred) => locate(uri, preferred),
      sessionDescription: () => hook,
    });
    try {
      await baresip.waitFor(/200 OK/); // registered with Kamailio
      const call = await OutgoingCall.start(ua, accounts.carol.aor);
      await call.accepted;
      const started = performance.now();
      // 8 s of call: long enough that one brief stall of this process on a busy 2-core machine
      // (a few hundred ms of late playout) cannot by itself take coverage under 95%.
      await sleep(8000);
      const callMs = performance.now() - started;
      const stats = media.statistics().audio!;
      await call.bye();
      // The call ends at the BYE: stop recording there, not after baresip has reported the end,
      // or the recording would hold the silence of time after the call.
      media.close();
      await media.whenClosed();
      await baresip.waitFor(/terminated/);

      // What we heard: baresip's 1 kHz.
      const ours = recorder.recorded;
      const heard = toneWindows(ours.samples, ours.rate, 1000, [440]);
      assert.ok(
        heard.withTone >= 0.95 * heard.windows,
        `we heard 1 kHz in ${heard.withTone} of ${heard.windows} windows ` +
          `(late packets ${stats.latePackets}, playout delay ${stats.playoutDelayMs} ms, ` +
          `skipped frames ${stats.playoutSkippedFrames}, worst tick ${stats.maxLateMs.toFixed(0)} ms late)`,
      );
      assert.ok(
        heard.windows * 20 >= 0.8 * callMs,
        `we recorded ${heard.windows * 20} ms of a ${callMs.toFixed(0)} ms call`,
      );
      assert.equal(stats.codec, "PCMU");
      assert.ok(stats.packetsReceived > 300 && stats.packetsSent > 300);

      // What baresip heard: its sndfile dump of decoded audio.
      const dec = readdirSync(baresip.dumpDir).find((f) => f.endsWith("-dec.wav"));
      assert.ok(dec, `no decoded dump from baresip:\n${baresip.output()}`);
      const theirs = readWavFile(join(baresip.dumpDir, dec));
      const theyHeard = toneWindows(theirs.samples, theirs.rate, 440, [1000]);
      assert.ok(
        theyHeard.withTone >= 0.95 * theyHeard.windows,
        `baresip heard 440 Hz in ${theyHeard.withTone} of ${theyHeard.windows}`,
      );
      assert.ok(
        theyHeard.windows * 20 >= 0.8 * callMs,
        `baresip recorded ${theyHeard.windows * 20} ms`,
      );
    } finally {
      media.close();
      baresip.stop();
      await baresip.exited;
      await ua.close();
      await transport.close();
    }
  });
});
