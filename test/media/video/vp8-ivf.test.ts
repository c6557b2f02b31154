import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { MediaFileError } from "../../../src/media/errors.js";
import { parseIvf, serializeIvf } from "../../../src/media/video/ivf.js";
import {
  packetizeVp8,
  parseVp8Descriptor,
  Vp8Depacketizer,
} from "../../../src/media/video/vp8-payload.js";

describe("VP8 payload (RFC 7741) and IVF", () => {
  it("packetizes with S on the first packet and a 15-bit picture ID", () => {
    const packets = packetizeVp8(randomBytes(2500), 0x1234, 1200);
    assert.equal(packets.length, 3);
    assert.deepEqual([...packets[0]!.subarray(0, 4)], [0x90, 0x80, 0x92, 0x34]);
    assert.equal(packets[1]![0], 0x80);
    assert.ok(packets.every((p) => p.length <= 1200));
  });

  it("parses descriptors with every optional field", () => {
    // X, S, PID 0; I with 7-bit picture ID; L; T/K.
    const d = parseVp8Descriptor(Buffer.from([0x90, 0xf0, 0x05, 0x01, 0x02, 0xaa]));
    assert.deepEqual(d, { start: true, partition: 0, headerSize: 5 });
    assert.deepEqual(parseVp8Descriptor(Buffer.from([0x10, 0xaa])), {
      start: true,
      partition: 0,
      headerSize: 1,
    });
    assert.equal(parseVp8Descriptor(Buffer.from([0x80])), undefined);
  });

  it("reassembles reordered packets and drops a frame with a gap", () => {
    const frame = randomBytes(3000);
    const packets = packetizeVp8(frame, 7, 1000);
    const d = new Vp8Depacketizer();
    const order = [2, 0, 1, 3];
    let got: Buffer | undefined;
    for (const i of order) got = d.push(100 + i, 9000, i === 3, packets[i]!) ?? got;
    assert.ok(got?.equals(frame));
    // A frame missing its middle packet never completes; the next frame does.
    const lossy = packetizeVp8(randomBytes(2500), 8, 1000);
    assert.equal(d.push(200, 12000, false, lossy[0]!), undefined);
    assert.equal(d.push(202, 12000, true, lossy[2]!), undefined);
    const next = randomBytes(100);
    assert.ok(d.push(203, 15000, true, packetizeVp8(next, 9)[0]!)?.equals(next));
    assert.equal(d.droppedFrames, 1);
  });

  it("round-trips IVF and rejects what is not IVF", () => {
    const file = {
      fourcc: "VP80",
      width: 176,
      height: 144,
      timebaseNumerator: 1,
      timebaseDenominator: 30,
      frames: [
        { pts: 0, data: randomBytes(40) },
        { pts: 1, data: randomBytes(7) },
      ],
    };
    const back = parseIvf(serializeIvf(file));
    assert.equal(back.width, 176);
    assert.equal(back.timebaseDenominator, 30);
    assert.deepEqual(
      back.frames.map((f) => [f.pts, f.data.toString("hex")]),
      file.frames.map((f) => [f.pts, f.data.toString("hex")]),
    );
    assert.throws(() => parseIvf(Buffer.from("RIFF....")), MediaFileError);
    assert.throws(() => parseIvf(serializeIvf(file).subarray(0, 60)), /cut short/);
  });
});
