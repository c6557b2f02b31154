// One RTP session (RFC 3550) of one stream: our SSRC, sequence numbers and the SRTP context on
// the way out; validation, reception statistics and SRTP on the way in; RTCP sender/receiver
// reports at randomized intervals (§6.2, §6.3.1) with SDES CNAME (§6.5.1), round-trip time from
// the peer's report blocks (§6.4.1), and BYE on close (§6.6).

import { randomBytes } from "node:crypto";
import {
  ProtectionProfileAes128CmHmacSha1_80,
  RtcpPacketConverter,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  RtpHeader,
  SourceDescriptionChunk,
  SourceDescriptionItem,
  SrtcpSession,
  SrtpSession,
} from "werift-rtp";
import type { Clock, TimerHandle } from "../../common/clock.js";
import { encodeBye, findByeSources } from "../rtcp/bye.js";
import { NtpTime } from "../rtcp/ntp-time.js";
import type { SdesKey } from "../sdp/crypto-attribute.js";
import { ReceiveStatistics } from "./receive-statistics.js";
import { decodeRtp, encodeRtp, type RtpPacketView } from "./rtp-packet.js";
import type { UdpTransport } from "./udp-transport.js";

export interface SrtpKeys {
  readonly local: SdesKey;
  readonly remote: SdesKey;
}

/** What the far end told us about our stream in its last report block. */
export interface RemoteReport {
  readonly fractionLost: number; // 0..1
  readonly cumulativeLost: number;
  readonly jitterMs: number;
  readonly receivedAtMs: number;
}

export interface RtpStatistics {
  readonly ssrc: number;
  readonly packetsSent: number;
  readonly octetsSent: number;
  readonly packetsReceived: number;
  /** RFC 3550 A.3, from our own reception. */
  readonly packetsLost: number;
  readonly expectedPackets: number;
  readonly jitterMs: number;
  readonly remoteSsrc: number | undefined;
  /** The last report block the peer sent about our stream. */
  readonly remoteReport: RemoteReport | undefined;
  /** From the last report block carrying LSR/DLSR (RFC 3550 §6.4.1). */
  readonly roundTripTimeMs: number | undefined;
  readonly rtcpReportsSent: number;
  readonly rtcpReportsReceived: number;
  /** RTP packets that failed SRTP authentication (dropped, RFC 3711 §3.3). */
  readonly authenticationFailures: number;
  /** RTCP packets that failed SRTCP authentication (dropped, RFC 3711 §3.4). */
  readonly rtcpAuthenticationFailures: number;
}

export interface RtpSessionOptions {
  readonly clock: Clock;
  readonly transport: UdpTransport;
  readonly clockRate: number;
  readonly cname: string;
  /** Mean RTCP interval in ms; RFC 3550 §6.2 minimum is 5 s, tests may use less. */
  readonly rtcpIntervalMs: number;
  readonly srtp?: SrtpKeys;
  readonly onPacket: (packet: RtpPacketView, arrivalMs: number) => void;
  /** Payload types the peer may send: a packet from an unknown source must carry one to latch. */
  readonly payloadTypes: () => readonly number[];
  readonly onBye?: (ssrc: number) => void;
}

export class RtpSession {
  readonly ssrc: number;
  private sequence: number;
  private packetsSent = 0;
  private octetsSent = 0;
  private lastRtpTimestamp = 0;
  private lastSendMs: number | undefined;
  private remoteSsrc: number | undefined;
  private stats: ReceiveStatistics;
  private readonly ntp: NtpTime;
  private lastSrMiddle = 0;
  private lastSrArrivalMs: number | undefined;
  private remoteReport: RemoteReport | undefined;
  private rtt: number | undefined;
  private rtcpTimer: TimerHandle | undefined;
  private reportsSent = 0;
  private reportsReceived = 0;
  private authFailures = 0;
  private rtcpAuthFailures = 0;
  private srtp: SrtpSession | undefined;
  private srtcp: SrtcpSession | undefined;
  private closed = false;

  constructor(private readonly options: RtpSessionOptions) {
    // Random SSRC and initial sequence number (RFC 3550 §5.1, §8.1).
    this.ssrc = randomBytes(4).readUInt32BE(0);
    this.sequence = randomBytes(2).readUInt16BE(0);
    this.stats = new ReceiveStatistics(options.clockRate);
    this.ntp = new NtpTime(options.clock);
    if (options.srtp) this.setSrtp(options.srtp);
    options.transport.handlers = {
      onRtp: (buf) => this.receiveRtp(buf),
      onRtcp: (buf) => this.receiveRtcp(buf),
      isPeerRtp: (buf) =>
        buf.length >= 12 && buf[0]! >> 6 === 2 && options.payloadTypes().includes(buf[1]! & 0x7f),
    };
    this.scheduleRtcp(true);
  }

  private setSrtp(keys: SrtpKeys): void {
    const config = {
      keys: {
        localMasterKey: keys.local.masterKey,
        localMasterSalt: keys.local.masterSalt,
        remoteMasterKey: keys.remote.masterKey,
        remoteMasterSalt: keys.remote.masterSalt,
      },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    };
    this.srtp = new SrtpSession(config);
    this.srtcp = new SrtcpSession(config);
  }

  get secure(): boolean {
    return this.srtp !== undefined;
  }

  /** Sends one RTP packet. `timestamp` is in the stream's clock rate units. */
  send(payloadType: number, timestamp: number, payload: Buffer, marker: boolean): void {
    if (this.closed) return;
    const wire = this.srtp
      ? this.srtp.encrypt(
          payload,
          new RtpHeader({
            payloadType,
            sequenceNumber: this.sequence,
            timestamp: timestamp >>> 0,
            ssrc: this.ssrc,
            marker,
          }),
        )
      : encodeRtp(payloadType, marker, this.sequence, timestamp, this.ssrc, payload);
    this.sequence = (this.sequence + 1) & 0xffff;
    if (this.options.transport.sendRtp(wire)) {
      this.packetsSent++;
      this.octetsSent += payload.length;
      this.lastRtpTimestamp = timestamp >>> 0;
      this.lastSendMs = this.options.clock.now();
    }
  }

  private receiveRtp(buf: Buffer): void {
    if (this.closed) return;
    let plain = buf;
    if (this.srtp) {
      try {
        plain = this.srtp.decrypt(buf);
      } catch {
        this.authFailures++;
        return;
      }
    }
    const packet = decodeRtp(plain);
    if (!packet) return; // malformed: ignored, never fatal
    const ssrc = packet.ssrc;
    if (this.remoteSsrc !== ssrc) {
      // A new source (the peer restarted its stream): statistics start over (RFC 3550 §8.2).
      this.remoteSsrc = ssrc;
      this.stats = new ReceiveStatistics(this.options.clockRate);
    }
    const now = this.options.clock.now();
    this.stats.update(packet.sequenceNumber, packet.timestamp, now);
    this.options.onPacket(packet, now);
  }

  private receiveRtcp(buf: Buffer): void {
    if (this.closed) return;
    let plain = buf;
    if (this.srtcp) {
      try {
        plain = this.srtcp.decrypt(buf);
      } catch {
        this.rtcpAuthFailures++;
        return;
      }
    }
    for (const ssrc of findByeSources(plain)) {
      if (ssrc === this.remoteSsrc) this.options.onBye?.(ssrc);
    }
    let packets: ReturnType<typeof RtcpPacketConverter.deSerialize>;
    try {
      packets = RtcpPacketConverter.deSerialize(plain);
    } catch {
      return;
    }
    const now = this.options.clock.now();
    for (const p of packets) {
      if (p instanceof RtcpSrPacket) {
        this.lastSrMiddle = NtpTime.middle32(p.senderInfo.ntpTimestamp);
        this.lastSrArrivalMs = now;
        this.takeReports(p.reports, now);
        this.reportsReceived++;
      } else if (p instanceof RtcpRrPacket) {
        this.takeReports(p.reports, now);
        this.reportsReceived++;
      }
    }
  }

  private takeReports(reports: RtcpReceiverInfo[], now: number): void {
    for (const r of reports) {
      if (r.ssrc !== this.ssrc) continue;
      this.remoteReport = {
        fractionLost: r.fractionLost / 256,
        cumulativeLost: r.packetsLost,
        jitterMs: (r.jitter * 1000) / this.options.clockRate,
        receivedAtMs: now,
      };
      if (r.lsr !== 0) {
        // RTT = A - LSR - DLSR, all in 1/65536 s (RFC 3550 §6.4.1, Figure 2).
        const a = this.ntp.nowMiddle32();
        const rtt = ((a - r.lsr - r.dlsr) >>> 0) / 65536;
        if (rtt < 60) this.rtt = rtt * 1000;
      }
    }
  }

  private reportBlocks(): RtcpReceiverInfo[] {
    if (this.remoteSsrc === undefined || this.stats.packetsReceived === 0) return [];
    const f = this.stats.takeReportFigures();
    const dlsr =
      this.lastSrArrivalMs === undefined
        ? 0
        : Math.round(((this.options.clock.now() - this.lastSrArrivalMs) / 1000) * 65536);
    return [
      new RtcpReceiverInfo({
        ssrc: this.remoteSsrc,
        fractionLost: f.fractionLost,
        packetsLost: f.cumulativeLost,
        highestSequence: f.extendedHighestSequence,
        jitter: f.jitter,
        lsr: this.lastSrMiddle,
        dlsr: this.lastSrArrivalMs === undefined ? 0 : dlsr >>> 0,
      }),
    ];
  }

  /** A compound packet: SR if we sent since the last report, else RR; then SDES (§6.1). */
  private compoundReport(): Buffer {
    const reports = this.reportBlocks();
    const now = this.options.clock.now();
    const sentRecently =
      this.lastSendMs !== undefined && now - this.lastSendMs < 2 * this.options.rtcpIntervalMs;
    const first = sentRecently
      ? new RtcpSrPacket({
          ssrc: this.ssrc,
          senderInfo: new RtcpSenderInfo({
            ntpTimestamp: this.ntp.now64(),
            // The RTP time of "now", extrapolated from the last packet (§6.4.1).
            rtpTimestamp:
              (this.lastRtpTimestamp +
                Math.round(((now - (this.lastSendMs ?? now)) * this.options.clockRate) / 1000)) >>>
              0,
            packetCount: this.packetsSent >>> 0,
            octetCount: this.octetsSent >>> 0,
          }),
          reports,
        })
      : new RtcpRrPacket({ ssrc: this.ssrc, reports });
    const sdes = new RtcpSourceDescriptionPacket({
      chunks: [
        new SourceDescriptionChunk({
          source: this.ssrc,
          items: [new SourceDescriptionItem({ type: 1, text: this.options.cname })],
        }),
      ],
    });
    return Buffer.concat([first.serialize(), sdes.serialize()]);
  }

  private sendRtcp(compound: Buffer): void {
    const wire = this.srtcp ? this.srtcp.encrypt(compound) : compound;
    if (this.options.transport.sendRtcp(wire)) this.reportsSent++;
  }

  private scheduleRtcp(initial: boolean): void {
    // RFC 3550 §6.3.1: randomize over [0.5, 1.5] of the interval; the first report after half.
    const base = this.options.rtcpIntervalMs * (initial ? 0.5 : 1);
    const delay = base * (0.5 + Math.random());
    this.rtcpTimer = this.options.clock.setTimeout(() => {
      if (this.closed) return;
      this.sendRtcp(this.compoundReport());
      this.scheduleRtcp(false);
    }, delay);
  }

  statistics(): RtpStatistics {
    return {
      ssrc: this.ssrc,
      packetsSent: this.packetsSent,
      octetsSent: this.octetsSent,
      packetsReceived: this.stats.packetsReceived,
      packetsLost: this.stats.cumulativeLost,
      expectedPackets: this.stats.expected,
      jitterMs: (this.stats.jitter * 1000) / this.options.clockRate,
      remoteSsrc: this.remoteSsrc,
      remoteReport: this.remoteReport,
      roundTripTimeMs: this.rtt,
      rtcpReportsSent: this.reportsSent,
      rtcpReportsReceived: this.reportsReceived,
      authenticationFailures: this.authFailures,
      rtcpAuthenticationFailures: this.rtcpAuthFailures,
    };
  }

  /** Sends a last report with BYE (RFC 3550 §6.6) and closes the sockets. */
  close(reason = "call ended", keepTransport = false): void {
    if (this.closed) return;
    this.options.clock.clearTimeout(this.rtcpTimer);
    try {
      this.sendRtcp(Buffer.concat([this.compoundReport(), encodeBye([this.ssrc], reason)]));
    } finally {
      this.closed = true;
      if (!keepTransport) this.options.transport.close();
    }
  }
}
