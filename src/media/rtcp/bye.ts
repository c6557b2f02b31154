// RTCP BYE (RFC 3550 §6.6), which werift-rtp does not model: header with the source count, the
// SSRCs, and an optional length-prefixed reason padded to 32 bits.

export const RTCP_BYE = 203;

export function encodeBye(ssrcs: readonly number[], reason?: string): Buffer {
  const reasonBytes = reason ? Buffer.from(reason, "utf8").subarray(0, 255) : Buffer.alloc(0);
  const reasonLength = reason ? 1 + reasonBytes.length : 0;
  const body = 4 * ssrcs.length + Math.ceil(reasonLength / 4) * 4;
  const b = Buffer.alloc(4 + body);
  b[0] = 0x80 | (ssrcs.length & 0x1f);
  b[1] = RTCP_BYE;
  b.writeUInt16BE(body / 4, 2);
  ssrcs.forEach((s, i) => {
    b.writeUInt32BE(s >>> 0, 4 + 4 * i);
  });
  if (reason) {
    const at = 4 + 4 * ssrcs.length;
    b[at] = reasonBytes.length;
    reasonBytes.copy(b, at + 1);
  }
  return b;
}

/** Finds BYE packets in a compound RTCP packet; returns the SSRCs that said goodbye. */
export function findByeSources(compound: Buffer): number[] {
  const out: number[] = [];
  let at = 0;
  while (at + 4 <= compound.length) {
    const count = compound[at]! & 0x1f;
    const type = compound[at + 1]!;
    const length = (compound.readUInt16BE(at + 2) + 1) * 4;
    if (type === RTCP_BYE) {
      for (let i = 0; i < count && at + 8 + 4 * i <= compound.length; i++) {
        out.push(compound.readUInt32BE(at + 4 + 4 * i));
      }
    }
    at += length;
  }
  return out;
}
