// The sockets of one RTP stream: an RTP socket on an even port and, unless RTCP is multiplexed
// (RFC 5761), an RTCP socket on the next port up (RFC 3550 §11). Sends go to where the peer's
// SDP said until a packet arrives: then to where the peer actually sends from (symmetric RTP,
// RFC 4961), which is what gets media through NAT.

import { createSocket, type RemoteInfo, type Socket, type SocketOptions } from "node:dgram";
import { lookup as dnsLookup } from "node:dns";
import { isIP } from "node:net";
import { MediaError } from "../errors.js";

export interface Address {
  readonly address: string;
  readonly port: number;
}

/**
 * Node resolves the destination of every datagram, an IP literal too, through dns.lookup and a
 * deferred callback. The peer's media address is almost always a literal (SDP c= lines carry
 * one), so answer those at once and resolve only names.
 */
const literalFirstLookup: NonNullable<SocketOptions["lookup"]> = (hostname, options, callback) => {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options, callback);
};

function bindSocket(type: "udp4" | "udp6", address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket({ type, lookup: literalFirstLookup });
    const onError = (e: Error) => {
      s.close();
      reject(e);
    };
    s.once("error", onError);
    s.bind(port, address, () => {
      s.off("error", onError);
      resolve(s);
    });
  });
}

/** Binds an even RTP port and the odd port after it (unless `pair` is false). */
async function bindPorts(
  address: string,
  pair: boolean,
): Promise<{ rtp: Socket; rtcp: Socket | undefined }> {
  const type = isIP(address) === 6 ? "udp6" : "udp4";
  for (let attempt = 0; attempt < 50; attempt++) {
    const rtp = await bindSocket(type, address, 0);
    let port = rtp.address().port;
    let even = rtp;
    if (port % 2 === 1) {
      // Ask for the even port below; the OS picked ours at random so it is likely free.
      rtp.close();
      try {
        even = await bindSocket(type, address, port - 1);
      } catch {
        continue;
      }
      port -= 1;
    }
    if (!pair) return { rtp: even, rtcp: undefined };
    try {
      const rtcp = await bindSocket(type, address, port + 1);
      return { rtp: even, rtcp };
    } catch {
      even.close();
    }
  }
  throw new MediaError("io", `no free RTP/RTCP port pair on ${address} after 50 attempts`, 500);
}

export interface TransportHandlers {
  onRtp(packet: Buffer, from: Address): void;
  onRtcp(packet: Buffer, from: Address): void;
  /** Whether a packet from an unknown source looks like the peer's media (enough to latch). */
  isPeerRtp(packet: Buffer): boolean;
}

export class UdpTransport {
  private remoteRtp: Address | undefined;
  private remoteRtcp: Address | undefined;
  /** Where the SDP said: packets from there always win the latch. */
  private sdpRtp: Address | undefined;
  private sdpRtcp: Address | undefined;
  private rtpLatched = false;
  private mux = false;
  private rtcpLatched = false;
  private closed = false;
  private socketsClosed = false;
  private inFlight = 0;
  handlers: TransportHandlers | undefined;
  /** Packets dropped because they came from somewhere other than the latched peer. */
  strayPackets = 0;

  private constructor(
    private readonly rtp: Socket,
    private rtcp: Socket | undefined,
  ) {
    rtp.on("message", (msg, rinfo) => this.receive(msg, rinfo, false));
    rtcp?.on("message", (msg, rinfo) => this.receive(msg, rinfo, true));
    // A send to an unreachable port raises ICMP errors on some systems; media carries on.
    rtp.on("error", () => {});
    rtcp?.on("error", () => {});
  }

  static async open(address: string, separateRtcp: boolean): Promise<UdpTransport> {
    const { rtp, rtcp } = await bindPorts(address, separateRtcp);
    return new UdpTransport(rtp, rtcp);
  }

  get rtpPort(): number {
    return this.rtp.address().port;
  }

  get rtcpPort(): number | undefined {
    return this.rtcp?.address().port;
  }

  get muxed(): boolean {
    return this.mux;
  }

  /**
   * Where the peer's SDP says to send, and whether RTCP is multiplexed on the RTP port (RFC 5761;
   * without an RTCP socket it always is). Forgets any latch: a new offer/answer may move the peer.
   */
  setRemote(rtp: Address | undefined, rtcp: Address | undefined, multiplexed: boolean): void {
    this.mux = multiplexed || this.rtcp === undefined;
    if (this.mux && this.rtcp) {
      // Multiplexing agreed: the RTCP port bound in case it was refused is no longer needed.
      this.rtcp.close();
      this.rtcp = undefined;
    }
    this.remoteRtp = rtp;
    this.remoteRtcp = this.mux ? rtp : rtcp;
    this.sdpRtp = this.remoteRtp;
    this.sdpRtcp = this.remoteRtcp;
    this.rtpLatched = false;
    this.rtcpLatched = false;
  }

  get remoteRtpAddress(): Address | undefined {
    return this.remoteRtp;
  }

  private receive(msg: Buffer, from: RemoteInfo, onRtcpSocket: boolean): void {
    if (this.closed || msg.length < 4 || msg[0]! >> 6 !== 2) return;
    // RFC 5761 §4: on a multiplexed port, payload types 64-95 (second byte 192-223) are RTCP.
    const isRtcp = onRtcpSocket || (msg[1]! >= 192 && msg[1]! <= 223);
    const handlers = this.handlers;
    if (!handlers) return;
    if (isRtcp) {
      if (!sameAddress(from, this.remoteRtcp)) {
        // Latch on the first RTCP, or move to the SDP's address when the peer shows up there.
        if (this.rtcpLatched && !sameAddress(from, this.sdpRtcp)) {
          this.strayPackets++;
          return;
        }
        this.remoteRtcp = { address: from.address, port: from.port };
      }
      this.rtcpLatched = true;
      handlers.onRtcp(msg, from);
      return;
    }
    if (this.remoteRtp === undefined) {
      // No usable address in the SDP (0.0.0.0 hold): receive, but latch nothing — we send nothing.
      handlers.onRtp(msg, from);
      return;
    }
    if (!sameAddress(from, this.remoteRtp)) {
      // Symmetric RTP (RFC 4961): latch onto where the peer really sends from — the first packet
      // that looks like its media, or any packet from the address its SDP gave. Once latched,
      // only the SDP address may take over, so stray or hostile packets cannot hijack the call.
      const fromSdp = sameAddress(from, this.sdpRtp);
      if ((this.rtpLatched && !fromSdp) || (!fromSdp && !handlers.isPeerRtp(msg))) {
        this.strayPackets++;
        return;
      }
      this.remoteRtp = { address: from.address, port: from.port };
      if (this.mux && !this.rtcpLatched) this.remoteRtcp = this.remoteRtp;
    }
    this.rtpLatched = true;
    handlers.onRtp(msg, from);
  }

  sendRtp(packet: Buffer): boolean {
    if (this.closed || !this.remoteRtp) return false;
    // No completion callback: one per packet is a measurable share of the cost of a stream,
    // and close() need not wait for media packets (see sendRtcp).
    try {
      this.rtp.send(packet, this.remoteRtp.port, this.remoteRtp.address);
      return true;
    } catch {
      // An address the peer gave that cannot be sent to (bad port, wrong family): drop the
      // packet rather than let a timer callback throw.
      return false;
    }
  }

  sendRtcp(packet: Buffer): boolean {
    if (this.closed || !this.remoteRtcp) return false;
    const socket = this.mux ? this.rtp : this.rtcp!;
    // RTCP is tracked until sent, so that close() lets the last report and BYE go out first.
    try {
      this.inFlight++;
      socket.send(packet, this.remoteRtcp.port, this.remoteRtcp.address, () => this.sent());
      return true;
    } catch {
      this.inFlight--;
      return false;
    }
  }

  private sent(): void {
    this.inFlight--;
    if (this.closed && this.inFlight === 0) this.closeSockets();
  }

  /**
   * Closes the sockets once the RTCP already handed to them has gone out: a send is queued, and
   * closing at once would drop it — the RTCP BYE sent just before close, above all. (Media
   * packets queued before it on the same socket go out first; on a separate RTP socket, a last
   * frame may be dropped, which nobody hears.)
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight === 0) this.closeSockets();
  }

  private closeSockets(): void {
    if (this.socketsClosed) return;
    this.socketsClosed = true;
    this.rtp.close();
    this.rtcp?.close();
  }
}

function sameAddress(a: Address, b: Address | undefined): boolean {
  return b !== undefined && a.address === b.address && a.port === b.port;
}
