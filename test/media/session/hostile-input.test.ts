// Never crashed by input: mangled SDP gives a typed MediaError or a working answer, and garbage
// datagrams on the media port leave the call running.

import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ToneSource } from "../../../src/media/audio/source.js";
import { MediaError } from "../../../src/media/errors.js";
import { MediaSession } from "../../../src/media/session/media-session.js";
import { testData } from "../../helpers/paths.js";
import { negotiate, sleep } from "../connect.js";

/** A small deterministic generator, so that a failure can be replayed. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function mangle(sdp: string, random: () => number): string {
  const lines = sdp.split("\r\n");
  const out: string[] = [];
  for (const line of lines) {
    const r = random();
    if (r < 0.1) continue; // drop the line
    if (r < 0.2) {
      // cut it short
      out.push(line.slice(0, Math.floor(random() * line.length)));
    } else if (r < 0.28) {
      // replace a number by a wild one
      out.push(line.replace(/\d+/, String(Math.floor(random() * 2 ** 33) - 2 ** 31)));
    } else if (r < 0.32) {
      out.push(line, line); // duplicate
    } else {
      out.push(line);
    }
  }
  return out.join("\r\n");
}

describe("hostile input", () => {
  it("answers or rejects with a MediaError every mangled offer", async () => {
    const dir = testData("golden", "media");
    const offers = readdirSync(dir)
      .filter((f) => f.endsWith(".sdp"))
      .map((f) => readFileSync(`${dir}/${f}`, "utf8"));
    const random = lcg(20261126);
    let answered = 0;
    let rejected = 0;
    const running: MediaSession[] = [];
    try {
      for (let round = 0; round < 300; round++) {
        const body = mangle(offers[round % offers.length]!, random);
        const session = new MediaSession({
          opus: round % 2 === 0,
          secureSignaling: round % 3 === 0,
        });
        try {
          await session.setDescription(body, "application/sdp");
          const answer = await session.getDescription();
          assert.match(answer.body, /^v=0\r\n/);
          answered++;
          running.push(session); // left running: it sends to whatever the mangled SDP said
        } catch (e) {
          session.close();
          assert.ok(e instanceof MediaError, `round ${round}: ${String(e)}\n${body}`);
          rejected++;
        }
      }
      await sleep(200);
    } finally {
      for (const s of running) s.close();
    }
    assert.ok(answered > 20 && rejected > 20, `answered ${answered}, rejected ${rejected}`);
  });

  it("keeps a call running while garbage arrives on its media port", async () => {
    const a = new MediaSession({ audioSource: new ToneSource(440), opus: false });
    const b = new MediaSession({ audioSource: new ToneSource(1000), opus: false });
    const noise = createSocket("udp4");
    try {
      const offer = await a.getDescription();
      const port = Number(/^m=audio (\d+)/m.exec(offer.body)![1]);
      await b.setDescription(offer.body, offer.contentType);
      await a.setDescription((await b.getDescription()).body, "application/sdp");
      const random = lcg(7);
      for (let i = 0; i < 200; i++) {
        const junk = Buffer.from(
          Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)),
        );
        // Some look like RTP/RTCP version 2 to get past the first check.
        if (junk.length > 0 && i % 2 === 0) junk[0] = 0x80 | (junk[0]! & 0x3f);
        noise.send(junk, port, "127.0.0.1");
      }
      await sleep(300);
      const before = a.statistics().audio!.packetsReceived;
      await sleep(300);
      assert.ok(
        a.statistics().audio!.packetsReceived > before + 5,
        "A stopped receiving B's audio",
      );
      await negotiate(a, b); // and it can still renegotiate
    } finally {
      noise.close();
      a.close();
      b.close();
    }
  });
});
