// The running video of one call: frames of an IVF file sent at their own pace as VP8 RTP
// packets (RFC 7741), and received frames reassembled into an IVF recording. No decoding.

import type { Clock } from "../../common/clock.js";
import type { FrameScheduler } from "../rtp/frame-scheduler.js";
import type { RtpPacketView } from "../rtp/rtp-packet.js";
import { RtpSession, type RtpStatistics, type SrtpKeys } from "../rtp/rtp-session.js";
import type { UdpTransport } from "../rtp/udp-transport.js";
import { receives, sends } from "../sdp/direction.js";
import type { StreamPlan } from "../sdp/stream-plan.js";
import type { IvfFile, IvfRecorder } from "../video/ivf.js";
import { packetizeVp8, Vp8Depacketizer } from "../video/vp8-payload.js";

const VIDEO_CLOCK = 90000;

export interface VideoStreamOptions {
  readonly clock: Clock;
  readonly scheduler: FrameScheduler;
  readonly transport: UdpTransport;
  readonly plan: StreamPlan;
  /** Frames to send (VP8 IVF), or nothing: then the stream only receives. */
  readonly source: IvfFile | undefined;
  readonly loop: boolean;
  readonly recorder: IvfRecorder | undefined;
  readonly cname: string;
  readonly rtcpIntervalMs: number;
  readonly srtp: SrtpKeys | undefined;
  readonly onBye: () => void;
}

export interface VideoStreamStatistics extends RtpStatistics {
  readonly framesSent: number;
  readonly framesReceived: number;
  readonly direction: string;
}

export class VideoStream {
  private plan: StreamPlan;
  private readonly rtp: RtpSession;
  private readonly depacketizer = new Vp8Depacketizer();
  private readonly baseTimestamp = Math.floor(Math.random() * 2 ** 32);
  private next = 0;
  private loops = 0;
  private pictureId = Math.floor(Math.random() * 0x8000);
  private readonly stopTicks: () => void;
  private framesSent = 0;
  private framesReceived = 0;

  constructor(private readonly options: VideoStreamOptions) {
    this.plan = options.plan;
    this.rtp = new RtpSession({
      clock: options.clock,
      transport: options.transport,
      clockRate: VIDEO_CLOCK,
      cname: options.cname,
      rtcpIntervalMs: options.rtcpIntervalMs,
      ...(options.srtp ? { srtp: options.srtp } : {}),
      onPacket: (p) => this.receive(p),
      payloadTypes: () => this.plan.formats.map((f) => f.payloadType),
      onBye: () => options.onBye(),
    });
    const src = options.source;
    // One tick per frame interval of the file (its time base times the usual pts step of 1).
    const frameMs = src ? (1000 * src.timebaseNumerator) / src.timebaseDenominator : 0;
    this.stopTicks =
      src && src.frames.length > 0
        ? options.scheduler.every(Math.max(frameMs * this.ptsStep(src), 1), () => this.tick())
        : () => {};
  }

  /** The usual distance between frame pts values (1 for most files, 3000 for 90 kHz ones). */
  private ptsStep(src: IvfFile): number {
    const f = src.frames;
    return f.length > 1 ? Math.max(1, f[1]!.pts - f[0]!.pts) : 1;
  }

  update(plan: StreamPlan): void {
    this.plan = plan;
  }

  private tick(): void {
    const src = this.options.source!;
    if (this.next >= src.frames.length) {
      if (!this.options.loop) return;
      this.next = 0;
      this.loops++;
    }
    const frame = src.frames[this.next++]!;
    if (!sends(this.plan.direction)) return;
    const last = src.frames[src.frames.length - 1]!;
    const span = last.pts + this.ptsStep(src);
    const seconds =
      ((frame.pts + this.loops * span) * src.timebaseNumerator) / src.timebaseDenominator;
    const timestamp = (this.baseTimestamp + Math.round(seconds * VIDEO_CLOCK)) >>> 0;
    const packets = packetizeVp8(frame.data, this.pictureId);
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    packets.forEach((payload, i) => {
      this.rtp.send(
        this.plan.formats[0]!.payloadType,
        timestamp,
        payload,
        i === packets.length - 1,
      );
    });
    this.framesSent++;
  }

  private receive(packet: RtpPacketView): void {
    if (!receives(this.plan.direction)) return;
    if (!this.plan.formats.some((f) => f.payloadType === packet.payloadType)) return;
    const h = packet;
    const frame = this.depacketizer.push(h.sequenceNumber, h.timestamp, h.marker, packet.payload);
    if (frame) {
      this.framesReceived++;
      this.options.recorder?.writeFrame(h.timestamp, frame);
    }
  }

  statistics(): VideoStreamStatistics {
    return {
      ...this.rtp.statistics(),
      framesSent: this.framesSent,
      framesReceived: this.framesReceived,
      direction: this.plan.direction,
    };
  }

  /** Ends the stream with RTCP BYE; `keepTransport` leaves the sockets open for a successor. */
  close(keepTransport = false): void {
    this.stopTicks();
    this.rtp.close("stream ended", keepTransport);
  }
}
