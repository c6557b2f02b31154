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
