// The IVF container (libvpx's simple frame file): a 32-byte header — "DKIF", version, header
// size, FourCC, width, height, time base denominator and numerator, frame count — then frames of
// a 12-byte header (size, 64-bit presentation time) and data.

import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { MediaFileError } from "../errors.js";

export interface IvfFrame {
  /** Presentation time in time-base units. */
  readonly pts: number;
  readonly data: Buffer;
}

export interface IvfFile {
  readonly fourcc: string;
  readonly width: number;
  readonly height: number;
  /** Time base as a fraction of a second: numerator / denominator (e.g. 1/30). */
  readonly timebaseNumerator: number;
  readonly timebaseDenominator: number;
  readonly frames: IvfFrame[];
}

const HEADER = 32;
const FRAME_HEADER = 12;

export function parseIvf(bytes: Buffer, name = "IVF data"): IvfFile {
  if (bytes.length < HEADER || bytes.toString("latin1", 0, 4) !== "DKIF") {
    throw new MediaFileError(`${name} is not an IVF file (no "DKIF" signature)`);
  }
  const headerSize = bytes.readUInt16LE(6);
  const file = {
    fourcc: bytes.toString("latin1", 8, 12),
    width: bytes.readUInt16LE(12),
    height: bytes.readUInt16LE(14),
    timebaseDenominator: bytes.readUInt32LE(16),
    timebaseNumerator: bytes.readUInt32LE(20),
    frames: [] as IvfFrame[],
  };
  if (file.timebaseDenominator === 0 || file.timebaseNumerator === 0) {
    throw new MediaFileError(`${name} has a zero time base`);
  }
  let at = Math.max(HEADER, headerSize);
  while (at + FRAME_HEADER <= bytes.length) {
    const size = bytes.readUInt32LE(at);
    const pts = Number(bytes.readBigUInt64LE(at + 4));
    const start = at + FRAME_HEADER;
    if (start + size > bytes.length) {
      throw new MediaFileError(`${name}: frame ${file.frames.length} is cut short`);
    }
    file.frames.push({ pts, data: bytes.subarray(start, start + size) });
    at = start + size;
  }
  return file;
}

export function readIvfFile(path: string): IvfFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new MediaFileError(`cannot read IVF file ${path}: ${String(cause)}`, { cause });
  }
  return parseIvf(bytes, path);
}

export function serializeIvf(file: IvfFile): Buffer {
  const header = Buffer.alloc(HEADER);
  header.write("DKIF", 0, "latin1");
  header.writeUInt16LE(0, 4);
  header.writeUInt16LE(HEADER, 6);
  header.write(file.fourcc.padEnd(4).slice(0, 4), 8, "latin1");
  header.writeUInt16LE(file.width, 12);
  header.writeUInt16LE(file.height, 14);
  header.writeUInt32LE(file.timebaseDenominator, 16);
  header.writeUInt32LE(file.timebaseNumerator, 20);
  header.writeUInt32LE(file.frames.length, 24);
  const parts: Buffer[] = [header];
  for (const f of file.frames) {
    const fh = Buffer.alloc(FRAME_HEADER);
    fh.writeUInt32LE(f.data.length, 0);
    fh.writeBigUInt64LE(BigInt(Math.max(0, Math.round(f.pts))), 4);
    parts.push(fh, f.data);
  }
  return Buffer.concat(parts);
}

/** Records received VP8 frames to an IVF file, time base 1/90000 (the RTP clock, RFC 7741 §4.1). */
export class IvfRecorder {
  private readonly frames: IvfFrame[] = [];
  private firstTimestamp: number | undefined;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly width = 0,
    private readonly height = 0,
  ) {}

  writeFrame(rtpTimestamp: number, data: Buffer): void {
    if (this.closed) return;
    this.firstTimestamp ??= rtpTimestamp;
    const pts = (rtpTimestamp - this.firstTimestamp) >>> 0;
    this.frames.push({ pts, data: Buffer.from(data) });
  }

  get recordedFrames(): readonly IvfFrame[] {
    return this.frames;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const bytes = serializeIvf({
      fourcc: "VP80",
      width: this.width,
      height: this.height,
      timebaseNumerator: 1,
      timebaseDenominator: 90000,
      frames: this.frames,
    });
    try {
      await writeFile(this.path, bytes);
    } catch (cause) {
      throw new MediaFileError(`cannot write IVF recording ${this.path}: ${String(cause)}`, {
        cause,
      });
    }
  }
}
