// The RTP fixed header (RFC 3550 §5.1) for the plain-RTP hot path. werift-rtp's RtpHeader sets
// up each object with fifteen Object.defineProperty calls and parses bit by bit; at a few
// hundred streams that was the largest single cost in bench/rtp-streams, so plain packets are
// written and read here. SRTP still goes through werift's SrtpSession.

export interface RtpPacketView {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Buffer;
}

export function encodeRtp(
  payloadType: number,
  marker: boolean,
  sequenceNumber: number,
  timestamp: number,
  ssrc: number,
  payload: Buffer,
): Buffer {
  const b = Buffer.allocUnsafe(12 + payload.length);
  b[0] = 0x80; // version 2, no padding, no extension, no CSRC
  b[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  b.writeUInt16BE(sequenceNumber & 0xffff, 2);
  b.writeUInt32BE(timestamp >>> 0, 4);
  b.writeUInt32BE(ssrc >>> 0, 8);
  payload.copy(b, 12);
  return b;
}

/** Parses an RTP packet; undefined when it is not well-formed (never throws on input). */
export function decodeRtp(b: Buffer): RtpPacketView | undefined {
  if (b.length < 12 || b[0]! >> 6 !== 2) return undefined;
  const csrcCount = b[0]! & 0x0f;
  let offset = 12 + 4 * csrcCount;
  if (b[0]! & 0x10) {
    // Header extension (§5.3.1): 16-bit profile, 16-bit length in words.
    if (b.length < offset + 4) return undefined;
    offset += 4 + 4 * b.readUInt16BE(offset + 2);
  }
  let end = b.length;
  if (b[0]! & 0x20) {
    // Padding (§5.1): the last byte counts the padding bytes, itself included.
    const padding = b[b.length - 1]!;
    if (padding === 0) return undefined;
    end -= padding;
  }
  if (offset > end) return undefined;
  return {
    payloadType: b[1]! & 0x7f,
    marker: (b[1]! & 0x80) !== 0,
    sequenceNumber: b.readUInt16BE(2),
    timestamp: b.readUInt32BE(4),
    ssrc: b.readUInt32BE(8),
    payload: b.subarray(offset, end),
  };
}
