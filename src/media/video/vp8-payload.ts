// VP8 over RTP (RFC 7741): splitting a frame into packets behind a payload descriptor (§4.2)
// and putting received packets back together. Frames are carried as they are, never decoded.

/** Payload bytes per packet, leaving room for IP/UDP/RTP/SRTP headers under a 1500-byte MTU. */
export const MAX_VP8_PAYLOAD = 1200;

/**
 * Packetizes one frame. Descriptor: X=1 with I=1 and a 15-bit picture ID (M=1), S=1 on the
 * first packet, partition index 0 throughout (§4.2: allowed when partitions are not split out).
 */
export function packetizeVp8(
  frame: Buffer,
  pictureId: number,
  maxPayload = MAX_VP8_PAYLOAD,
): Buffer[] {
  const descriptorSize = 4;
  const room = maxPayload - descriptorSize;
  const packets: Buffer[] = [];
  for (let at = 0; at < frame.length || packets.length === 0; at += room) {
    const chunk = frame.subarray(at, Math.min(frame.length, at + room));
    const d = Buffer.alloc(descriptorSize);
    d[0] = 0x80 | (at === 0 ? 0x10 : 0); // X, S
    d[1] = 0x80; // I: picture ID present
    d.writeUInt16BE(0x8000 | (pictureId & 0x7fff), 2); // M=1: 15-bit picture ID
    packets.push(Buffer.concat([d, chunk]));
  }
  return packets;
}

interface Descriptor {
  readonly start: boolean;
  readonly partition: number;
  readonly headerSize: number;
}

/** Parses a payload descriptor (§4.2); undefined when it is cut short. */
export function parseVp8Descriptor(payload: Uint8Array): Descriptor | undefined {
  if (payload.length < 1) return undefined;
  const b0 = payload[0]!;
  let at = 1;
  if (b0 & 0x80) {
    if (payload.length < 2) return undefined;
    const ext = payload[1]!;
    at = 2;
    if (ext & 0x80) {
      if (payload.length < at + 1) return undefined;
      at += payload[at]! & 0x80 ? 2 : 1;
    }
    if (ext & 0x40) at += 1; // L: TL0PICIDX
    if (ext & 0x30) at += 1; // T or K: TID/Y/KEYIDX
  }
  if (at > payload.length) return undefined;
  return { start: (b0 & 0x10) !== 0, partition: b0 & 0x07, headerSize: at };
}

interface Fragment {
  readonly seq: number;
  readonly start: boolean;
  readonly data: Buffer;
}

/**
 * Reassembles frames: packets of one frame share a timestamp; the frame is complete when the
 * marker packet has come and the sequence numbers from the start packet to it have no gap.
 * Incomplete frames are dropped when a newer frame completes.
 */
export class Vp8Depacketizer {
  private readonly pending = new Map<number, { fragments: Fragment[]; markerSeq?: number }>();
  droppedFrames = 0;

  push(seq: number, timestamp: number, marker: boolean, payload: Buffer): Buffer | undefined {
    const d = parseVp8Descriptor(payload);
    if (!d) return undefined;
    let entry = this.pending.get(timestamp);
    if (!entry) {
      entry = { fragments: [] };
      this.pending.set(timestamp, entry);
    }
    if (entry.fragments.some((f) => f.seq === seq)) return undefined;
    entry.fragments.push({
      seq,
      start: d.start && d.partition === 0,
      data: payload.subarray(d.headerSize),
    });
    if (marker) entry.markerSeq = seq;
    if (entry.markerSeq === undefined) return undefined;
    const frags = entry.fragments.sort(
      (a, b) =>
        ((a.seq - entry.markerSeq! + 0x8000) & 0xffff) -
        ((b.seq - entry.markerSeq! + 0x8000) & 0xffff),
    );
    const first = frags[0]!;
    if (!first.start) return undefined;
    for (let i = 1; i < frags.length; i++) {
      if (((frags[i - 1]!.seq + 1) & 0xffff) !== frags[i]!.seq) return undefined;
    }
    if (frags[frags.length - 1]!.seq !== entry.markerSeq) return undefined;
    this.pending.delete(timestamp);
    // Older unfinished frames will never complete in order now.
    for (const ts of [...this.pending.keys()]) {
      if (((timestamp - ts) | 0) > 0) {
        this.pending.delete(ts);
        this.droppedFrames++;
      }
    }
    return Buffer.concat(frags.map((f) => f.data));
  }
}
