import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AudioJitterBuffer } from "../../../src/media/rtp/jitter-buffer.js";

const frame = (value: number, n = 160) => new Int16Array(n).fill(value);

describe("AudioJitterBuffer", () => {
  it("plays nothing before the first packet, then the delay as silence, then in order", () => {
    const jb = new AudioJitterBuffer(8000, 40);
    assert.equal(jb.pull(160), undefined);
    jb.push(1000, frame(1));
    jb.push(1320, frame(3)); // arrives before 1160
    jb.push(1160, frame(2));
    const out = [1, 2, 3, 4, 5].map(() => jb.pull(160)![0]);
    assert.deepEqual(out, [0, 0, 1, 2, 3]);
  });

  it("plays a lost packet as silence and drops duplicates", () => {
    const jb = new AudioJitterBuffer(8000, 20);
    jb.push(0, frame(1));
    jb.push(0, frame(9));
    jb.push(320, frame(3));
    const out = [1, 2, 3, 4].map(() => jb.pull(160)![0]);
    assert.deepEqual(out, [0, 1, 0, 3]);
  });

  it("copies by timestamp, so 30 ms packets play out in 20 ms frames", () => {
    const jb = new AudioJitterBuffer(8000, 0);
    jb.push(0, frame(1, 240));
    jb.push(240, frame(2, 240));
    const a = jb.pull(160)!;
    const b = jb.pull(160)!;
    const c = jb.pull(160)!;
    assert.ok(a.every((s) => s === 1));
    assert.deepEqual([b[0], b[79], b[80], b[159]], [1, 1, 2, 2]);
    assert.ok(c.every((s) => s === 2));
  });

  it("handles the 32-bit timestamp wrap", () => {
    const jb = new AudioJitterBuffer(8000, 0);
    jb.push(2 ** 32 - 160, frame(1));
    jb.push(0, frame(2));
    assert.deepEqual([jb.pull(160)![0], jb.pull(160)![0]], [1, 2]);
  });

  it("re-anchors on a timestamp jump and steps back for a late packet", () => {
    const jb = new AudioJitterBuffer(8000, 0);
    jb.push(0, frame(1));
    jb.pull(160);
    jb.push(8_000_000, frame(5)); // a new source far away
    assert.equal(jb.pull(160)![0], 5);
    jb.pull(160);
    jb.pull(160);
    jb.push(8_000_160, frame(6)); // 2 frames late
    assert.equal(jb.late, 1);
    assert.equal(jb.pull(160)![0], 6);
  });
});

/**
 * Drives a buffer in 20 ms ticks: before each tick's pull, the packets that have arrived by then
 * are pushed. Packet k carries ts k×160 and the value k+1 in every sample; `arrival(k)` says when
 * (ms) it arrives. Returns the value played at each tick (0 = silence).
 */
function play(
  jb: AudioJitterBuffer,
  packets: number,
  ticks: number,
  arrival: (k: number) => number,
) {
  const order = Array.from({ length: packets }, (_, k) => k).sort(
    (a, b) => arrival(a) - arrival(b),
  );
  const played: number[] = [];
  let next = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const now = tick * 20 + 10; // ticks fall between the sender's 20 ms marks
    while (next < order.length && arrival(order[next]!) <= now) {
      const k = order[next++]!;
      jb.push(k * 160, frame(k + 1));
    }
    const out = jb.pull(160);
    if (out) played.push(out[0]!);
  }
  return played;
}

/** A sender that stalls for `ms` at each of `at` (ms), then sends what it owes at 4 ms a frame. */
function stallingSender(at: readonly number[], ms: number) {
  return (k: number): number => {
    const sent = k * 20;
    for (const s of at) {
      if (sent >= s && sent < s + ms) return s + ms + ((sent - s) / 20) * 4;
    }
    return sent;
  };
}

/** Runs of silence after playout began (a gap in the middle of the call). */
function silentRuns(played: number[]): number[] {
  const from = played.findIndex((v) => v !== 0);
  const runs: number[] = [];
  let run = 0;
  for (const v of played.slice(from)) {
    if (v === 0) run++;
    else if (run > 0) {
      runs.push(run);
      run = 0;
    }
  }
  return runs;
}

describe("AudioJitterBuffer under stalls", () => {
  it("keeps the delay a sender's stall needed, so the next stall like it costs nothing", () => {
    // The sender stalls 300 ms three times (as a starved peer on a busy machine does).
    const jb = new AudioJitterBuffer(8000, 40);
    const played = play(jb, 400, 420, stallingSender([2000, 4000, 6000], 300));
    const runs = silentRuns(played.slice(0, 400));
    // Only the first stall is heard (as one gap, of at most its length); the audio it delayed
    // is then played, not thrown away: every frame comes out, in order.
    assert.equal(runs.length, 1, `silent runs: ${runs}`);
    assert.ok(runs[0]! <= 15, `first gap ${runs[0]} frames`);
    const audio = played.filter((v) => v !== 0);
    assert.deepEqual(
      audio,
      [...audio].sort((a, b) => a - b),
    );
    assert.ok(new Set(audio).size === audio.length, "no frame played twice");
    assert.ok(jb.targetDelayMs >= 250, `target ${jb.targetDelayMs} ms`);
    assert.equal(jb.late, 1);
  });

  it("drains a burst's surplus a frame at a time, without silence", () => {
    // Everything sent in the first 400 ms arrives at once at 400 ms (this process was stalled),
    // then packets come on time: the buffer starts 400 ms deep.
    const jb = new AudioJitterBuffer(8000, 40);
    const played = play(jb, 800, 760, (k) => Math.max(400, k * 20));
    assert.deepEqual(silentRuns(played), []);
    const audio = played.filter((v) => v !== 0);
    // Frames dropped to shrink the delay: one per second of playout at most, none in a row.
    const dropped = audio.slice(1).filter((v, i) => v !== audio[i]! + 1);
    assert.ok(dropped.length >= 5 && dropped.length <= 16, `dropped ${dropped.length}`);
    assert.ok(
      audio.slice(1).every((v, i) => v - audio[i]! <= 2),
      "never more than one in a row",
    );
    assert.ok(jb.drainedSamples >= 5 * 160);
  });

  it("brings the target back down after calm playout", () => {
    const jb = new AudioJitterBuffer(8000, 40);
    play(jb, 2500, 2520, stallingSender([1000], 200));
    assert.equal(jb.late, 1);
    // 200 ms learned at 1 s, then 49 s of calm (a frame less every 4 s): back to 40 ms.
    assert.equal(jb.targetDelayMs, 40);
  });

  it("skips to the target when a burst is deeper than any delay it would grow to", () => {
    const jb = new AudioJitterBuffer(8000, { delayMs: 40, maxDelayMs: 200 });
    // 2 s of audio at once: never more than maxDelay + 500 ms (35 frames) is kept, the newest.
    for (let k = 0; k < 100; k++) jb.push(k * 160, frame(k + 1));
    const played = Array.from({ length: 40 }, () => jb.pull(160)![0]!);
    const first = played[0]!;
    assert.ok(first > 100 - 35 && first < 100, `first played ${first}`);
    assert.deepEqual(
      played.slice(0, 101 - first),
      Array.from({ length: 101 - first }, (_, i) => first + i),
    );
  });

  it("has audio ahead during the starting delay and across a gap, not once caught up", () => {
    const jb = new AudioJitterBuffer(8000, 40);
    assert.equal(jb.hasAudioAhead(), false); // nothing yet
    jb.push(0, frame(1));
    assert.equal(jb.hasAudioAhead(), true); // the 40 ms of starting delay lie before it
    jb.pull(160);
    jb.pull(160);
    jb.push(320, frame(3)); // 160 lost
    assert.equal(jb.pull(160)![0], 1);
    assert.equal(jb.hasAudioAhead(), true); // the gap, then frame 3
    assert.equal(jb.pull(160)![0], 0);
    assert.equal(jb.pull(160)![0], 3);
    assert.equal(jb.hasAudioAhead(), false); // caught up with everything received
  });

  it("reuses its ring over a long call without mixing up positions", () => {
    const jb = new AudioJitterBuffer(8000, 60);
    const played = play(jb, 3000, 3004, (k) => k * 20 + (k % 7) * 5); // 0-30 ms of jitter
    const audio = played.filter((v) => v !== 0);
    assert.equal(audio.length, 3000);
    assert.ok(audio.every((v, i) => v === i + 1));
    assert.equal(jb.late, 0);
  });
});
