// The tone check `duet demo` runs on each call recording (src/media/audio/tone-analysis.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { goertzelPower, toneShare } from "../../../src/media/audio/tone-analysis.js";

const RATE = 8000;

function sine(hz: number, ms: number, amplitude = 8000): Int16Array {
  const n = Math.round((RATE * ms) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / RATE));
  return out;
}

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("tone analysis", () => {
  it("Goertzel power is high at the tone's frequency and low elsewhere", () => {
    const s = sine(440, 20);
    assert.ok(goertzelPower(s, RATE, 440) > 100 * goertzelPower(s, RATE, 1000));
  });

  it("a recording of the other side's tone scores near 1, of one's own tone 0", () => {
    const heard = sine(1000, 2000);
    assert.ok(toneShare(heard, RATE, 1000, [440]) > 0.95);
    assert.equal(toneShare(sine(440, 2000), RATE, 1000, [440]), 0);
  });

  it("silence at the start is trimmed; silence in the middle counts against the tone", () => {
    const lateStart = concat(new Int16Array(RATE / 10), sine(1000, 2000));
    assert.ok(toneShare(lateStart, RATE, 1000, [440]) > 0.95);
    const gap = concat(sine(1000, 1200), new Int16Array(RATE), sine(1000, 1200));
    const share = toneShare(gap, RATE, 1000, [440]);
    assert.ok(share > 0.5 && share < 0.75, `share ${share}`);
  });

  it("a recording too short to analyse scores 0", () => {
    assert.equal(toneShare(sine(1000, 300), RATE, 1000, []), 0);
    assert.equal(toneShare(new Int16Array(0), RATE, 1000, []), 0);
  });
});
