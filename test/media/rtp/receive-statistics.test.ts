import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ReceiveStatistics } from "../../../src/media/rtp/receive-statistics.js";

describe("ReceiveStatistics (RFC 3550 A.1, A.3, A.8)", () => {
  it("counts loss across a sequence wrap and gives the interval fraction", () => {
    const s = new ReceiveStatistics(8000);
    for (let seq = 65530; seq < 65536 + 10; seq++) {
      if (seq === 65534 || seq === 65536 + 2) continue;
      s.update(seq & 0xffff, seq * 160, seq * 20);
    }
    assert.equal(s.expected, 16);
    assert.equal(s.cumulativeLost, 2);
    assert.equal(s.extendedHighestSequence, 65536 + 9);
    const f = s.takeReportFigures();
    assert.equal(f.fractionLost, Math.floor((2 * 256) / 16));
    assert.equal(s.takeReportFigures().fractionLost, 0); // nothing new since
  });

  it("has zero jitter for perfectly paced packets and some for uneven arrival", () => {
    const even = new ReceiveStatistics(8000);
    const uneven = new ReceiveStatistics(8000);
    for (let i = 0; i < 50; i++) {
      even.update(i, i * 160, i * 20);
      uneven.update(i, i * 160, i * 20 + (i % 2 ? 8 : 0));
    }
    assert.equal(even.jitter, 0);
    assert.ok(uneven.jitter > 30 && uneven.jitter <= 64, `jitter ${uneven.jitter}`);
  });

  it("does not count duplicates as new and ignores one wild jump", () => {
    const s = new ReceiveStatistics(8000);
    s.update(10, 0, 0);
    s.update(11, 160, 20);
    s.update(30000, 0, 30); // stray packet far away
    s.update(12, 320, 40);
    assert.equal(s.expected, 3);
    assert.equal(s.cumulativeLost, 0);
  });
});
