// A UDP relay standing in for both sides' media address, for tests that must see or disturb the
// packets on the wire: both SDPs are rewritten to point at it, so each endpoint sends to it and
// latches onto it (symmetric RTP). It forwards between `inner` (the offerer) and `outer` (the
// answerer), can drop a share of the RTP coming from outside, and keeps what it saw.

import { createSocket, type Socket } from "node:dgram";

export interface RelayedPacket {
  readonly fromInner: boolean;
  readonly data: Buffer;
}

export class UdpRelay {
  readonly seen: RelayedPacket[] = [];
  /** Sequence numbers of RTP packets dropped. */
  readonly droppedSequences: number[] = [];
  forwardedRtp = 0;
  outer: { address: string; port: number } | undefined;
  dropShare = 0;

  private constructor(
    private readonly socket: Socket,
    inner: { address: string; port: number },
  ) {
    socket.on("message", (msg, rinfo) => {
      const fromInner = rinfo.address === inner.address && rinfo.port === inner.port;
      this.seen.push({ fromInner, data: Buffer.from(msg) });
      if (fromInner) {
        if (this.outer) socket.send(msg, this.outer.port, this.outer.address);
        return;
      }
      const isRtp = msg.length >= 12 && !(msg[1]! >= 192 && msg[1]! <= 223);
      if (isRtp && Math.random() < this.dropShare) {
        this.droppedSequences.push(msg.readUInt16BE(2));
        return;
      }
      if (isRtp) this.forwardedRtp++;
      socket.send(msg, inner.port, inner.address);
    });
  }

  static open(inner: { address: string; port: number }): Promise<UdpRelay> {
    return new Promise((resolve) => {
      const s = createSocket("udp4");
      s.bind(0, "127.0.0.1", () => resolve(new UdpRelay(s, inner)));
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Points an SDP's first audio m-line at this relay instead of the real endpoint. */
  rewrite(sdp: string): string {
    return UdpRelay.pointAt(sdp, this.port);
  }

  /** Takes the answerer's address from its answer and returns the answer pointed at the relay. */
  rewriteAnswer(sdp: string): string {
    this.outer = { address: "127.0.0.1", port: audioPortOf(sdp) };
    return this.rewrite(sdp);
  }

  private static pointAt(sdp: string, port: number): string {
    return sdp.replace(/^m=audio \d+ /m, `m=audio ${port} `);
  }

  /** The RTP packets that came from outside (the far endpoint). */
  outerRtp(): Buffer[] {
    return this.seen
      .filter(
        (p) => !p.fromInner && p.data.length >= 12 && !(p.data[1]! >= 192 && p.data[1]! <= 223),
      )
      .map((p) => p.data);
  }

  close(): void {
    this.socket.close();
  }
}

/** The RTP port an SDP gives for its first audio m-line. */
export function audioPortOf(sdp: string): number {
  const m = /^m=audio (\d+) /m.exec(sdp);
  if (!m) throw new Error("no audio m-line in the SDP");
  return Number(m[1]);
}
