import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeG711, encodeG711 } from "../../../src/media/audio/g711.js";

describe("G.711", () => {
  it("encodes silence to the standard idle codes (µ-law 0xFF, A-law 0xD5)", () => {
    assert.equal(encodeG711("PCMU", new Int16Array([0]))[0], 0xff);
    assert.equal(encodeG711("PCMA", new Int16Array([0]))[0], 0xd5);
  });

  it("matches reference code points of ITU-T G.711 tables", () => {
    // µ-law code 0x80 is the largest positive value 32124, 0x00 the most negative.
    assert.deepEqual(
      [...decodeG711("PCMU", Uint8Array.from([0x80, 0x00, 0xff, 0x7f]))],
      [32124, -32124, 0, 0],
    );
    // A-law 0xAA is +32256 (largest), 0x2A is -32256, 0xD5 is +8.
    assert.deepEqual(
      [...decodeG711("PCMA", Uint8Array.from([0xaa, 0x2a, 0xd5]))],
      [32256, -32256, 8],
    );
  });

  for (const law of ["PCMU", "PCMA"] as const) {
    it(`${law}: every code decodes and re-encodes to itself`, () => {
      const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const again = encodeG711(law, decodeG711(law, codes));
      for (let i = 0; i < 256; i++) {
        // µ-law has two zeros (0x7F and 0xFF): both decode to 0, which encodes to 0xFF.
        if (law === "PCMU" && i === 0x7f) continue;
        assert.equal(again[i], i, `code ${i.toString(16)}`);
      }
    });

    it(`${law}: quantization error stays within the segment's step`, () => {
      for (let x = -32768; x < 32768; x += 97) {
        const y = decodeG711(law, encodeG711(law, new Int16Array([x])))[0]!;
        const step = Math.max(16, Math.abs(x) / 16);
        assert.ok(Math.abs(x - y) <= step + 132, `${x} came back as ${y}`);
      }
    });
  }
});
