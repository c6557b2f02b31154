// The running audio of one call: every packet time, a frame from the source is encoded and sent
// (or a DTMF event packet instead, RFC 4733 §2.5.1.2), and a frame of playout is taken from the
// jitter buffer into the recorder. Directions come from offer/answer: a stream that may not
// send stays silent on the wire, one that may not receive plays silence.

import type { Clock } from "../../common/clock.js";
import { type AudioCodec, createAudioCodec } from "../audio/codec.js";
import type { AudioSource } from "../audio/source.js";
import type { AudioSink } from "../audio/wav-recorder.js";
import { DtmfReceiver } from "../dtmf/dtmf-receiver.js";
import { DtmfSender } from "../dtmf/dtmf-sender.js";
import type { FrameScheduler } from "../rtp/frame-scheduler.js";
import { AudioJitterBuffer } from "../rtp/jitter-buffer.js";
import type { RtpPacketView } from "../rtp/rtp-packet.js";
import { RtpSession, type RtpStatistics, type SrtpKeys } from "../rtp/rtp-session.js";
import type { UdpTransport } from "../rtp/udp-transport.js";
import { receives, sends } from "../sdp/direction.js";
import type { StreamPlan } from "../sdp/stream-plan.js";

export interface AudioStreamOptions {
  readonly clock: Clock;
  readonly scheduler: FrameScheduler;
  readonly transport: UdpTransport;
  readonly plan: StreamPlan;
  readonly source: AudioSource;
  readonly sink: AudioSink | undefined;
  readonly cname: string;
  readonly rtcpIntervalMs: number;
  readonly srtp: SrtpKeys | undefined;
  readonly onDigit: (digit: string, durationMs: number) => void;
  readonly onBye: () => void;
}

export interface AudioStreamStatistics extends RtpStatistics {
  readonly codec: string;
  readonly direction: string;
  readonly lateFrames: number;
  /** The worst pacing delay seen (a stalled or starved event loop shows here). */
  readonly maxLateMs: number;
  /** Playout frames skipped while catching up after such a stall (absent from the recording). */
  readonly playoutSkippedFrames: number;
  /** Received packets that came after their playout time (each one grew the playout delay). */
  readonly latePackets: number;
  /** The playout delay the jitter buffer currently aims for. */
  readonly playoutDelayMs: number;
  /** Received audio dropped to bring the delay back down after a stall. */
  readonly drainedMs: number;
  readonly framesSent: number;
}

export class AudioStream {
  private plan: StreamPlan;
  private codec: AudioCodec;
  private readonly rtp: RtpSession;
  private jitter: AudioJitterBuffer;
  private readonly dtmfOut: DtmfSender;
  private readonly dtmfIn: DtmfReceiver;
  private timestamp: number;
  private eventTimestamp = 0;
  private marker = true;
  private stopTicks: () => void;
  private framesSent = 0;
  private lateFrames = 0;
  private maxLateMs = 0;
  private playoutSkipped = 0;
  /** Reused for every playout frame (sinks copy what they keep). */
  private playout = new Int16Array(0);

  constructor(private readonly options: AudioStreamOptions) {
    this.plan = options.plan;
    this.codec = createAudioCodec(this.plan.formats[0]!.codec);
    this.jitter = new AudioJitterBuffer(this.codec.clockRate);
    this.timestamp = Math.floor(Math.random() * 2 ** 32); // RFC 3550 §5.1: random start
    this.dtmfOut = new DtmfSender(this.plan.telephoneEvent?.codec.clockRate ?? 8000);
    this.dtmfIn = new DtmfReceiver(
      options.onDigit,
      this.plan.telephoneEvent?.codec.clockRate ?? 8000,
    );
    this.rtp = new RtpSession({
      clock: options.clock,
      transport: options.transport,
      clockRate: this.codec.clockRate,
      cname: options.cname,
      rtcpIntervalMs: options.rtcpIntervalMs,
      ...(options.srtp ? { srtp: options.srtp } : {}),
      onPacket: (p) => this.receive(p),
      payloadTypes: () => [
        ...this.plan.formats.map((f) => f.payloadType),
        ...(this.plan.telephoneEvent ? [this.plan.telephoneEvent.payloadType] : []),
      ],
      onBye: () => options.onBye(),
    });
    this.stopTicks = options.scheduler.every(this.plan.ptime, (late) => this.tick(late));
  }

  get ssrc(): number {
    return this.rtp.ssrc;
  }

  /** The RTP clock rate this stream was set up with (a change needs a new stream). */
  get clockRate(): number {
    return this.codec.clockRate;
  }

  /** A new offer/answer result for this m-line (codec, direction, ptime may change). */
  update(plan: StreamPlan): void {
    const before = this.plan;
    this.plan = plan;
    if (plan.formats[0]!.codec.name !== before.formats[0]!.codec.name) {
      this.codec.close();
      this.codec = createAudioCodec(plan.formats[0]!.codec);
      this.jitter = new AudioJitterBuffer(this.codec.clockRate);
    }
    if (plan.ptime !== before.ptime) {
      this.stopTicks();
      this.stopTicks = this.options.scheduler.every(plan.ptime, (late) => this.tick(late));
    }
    // Media (re)starting after hold begins a talkspurt: marker bit (RFC 3551 §4.1).
    if (sends(plan.direction) && !sends(before.direction)) this.marker = true;
  }

  sendDigits(digits: string, durationMs?: number): void {
    this.dtmfOut.enqueue(digits, durationMs);
  }

  get sendingDigits(): boolean {
    return this.dtmfOut.busy;
  }

  private tick(lateMs: number): void {
    if (lateMs > this.maxLateMs) this.maxLateMs = lateMs;
    const samples = Math.round((this.codec.clockRate * this.plan.ptime) / 1000);
    if (sends(this.plan.direction)) {
      const te = this.plan.telephoneEvent;
      const event = te ? this.dtmfOut.nextFrame(this.plan.ptime) : undefined;
      if (te && event) {
        if (event.first) this.eventTimestamp = this.timestamp;
        this.rtp.send(te.payloadType, this.eventTimestamp, event.payload, event.marker);
      } else {
        const pcm = this.options.source.read(samples, this.codec.clockRate);
        this.rtp.send(
          this.plan.formats[0]!.payloadType,
          this.timestamp,
          this.codec.encode(pcm),
          this.marker,
        );
        this.marker = false;
      }
      this.framesSent++;
      if (lateMs > 5) this.lateFrames++;
    }
    // The RTP clock runs whether or not we send (RFC 3550 §5.1: timestamps follow real time).
    this.timestamp = (this.timestamp + samples) >>> 0;
    // Audio that goes nowhere is neither decoded nor played out (statistics come from RTP).
    if (!this.options.sink) return;
    // A frame run late to catch up after a stall of our own event loop is played out only while
    // audio is buffered ahead: once playout has caught up with what arrived, the peer's packets
    // for that time may still sit unread in the socket, and playing silence now would cut them.
    // Skipping lets the jitter buffer absorb the stall as extra delay instead (drained later).
    // The starting delay and gaps are played even when late: skipping those would hold playout
    // still for as long as ticks run late.
    if (lateMs >= this.plan.ptime && !this.jitter.hasAudioAhead()) {
      this.playoutSkipped++;
      return;
    }
    if (this.playout.length !== samples) this.playout = new Int16Array(samples);
    const played = this.jitter.pull(samples, this.playout);
    if (played) this.options.sink.write(played, this.codec.clockRate);
  }

  private receive(packet: RtpPacketView): void {
    if (!receives(this.plan.direction)) return;
    const pt = packet.payloadType;
    if (this.plan.telephoneEvent && pt === this.plan.telephoneEvent.payloadType) {
      this.dtmfIn.receive(packet.timestamp, packet.payload);
      return;
    }
    const format = this.plan.formats.find((f) => f.payloadType === pt);
    if (!format || !this.options.sink) return;
    if (format.codec.name !== this.plan.formats[0]!.codec.name) {
      // The peer sends another of the agreed codecs: switch to it (RFC 3264 §5.1 allows it).
      if (format.codec.clockRate !== this.codec.clockRate) return;
    }
    const pcm =
      format.codec.name === this.plan.formats[0]!.codec.name
        ? this.codec.decode(packet.payload)
        : createAudioCodec(format.codec).decode(packet.payload);
    this.jitter.push(packet.timestamp, pcm);
  }

  statistics(): AudioStreamStatistics {
    return {
      ...this.rtp.statistics(),
      codec: this.plan.formats[0]!.codec.name,
      direction: this.plan.direction,
      lateFrames: this.lateFrames,
      maxLateMs: this.maxLateMs,
      playoutSkippedFrames: this.playoutSkipped,
      latePackets: this.jitter.late,
      playoutDelayMs: this.jitter.targetDelayMs,
      drainedMs: (this.jitter.drainedSamples * 1000) / this.jitter.rate,
      framesSent: this.framesSent,
    };
  }

  /** Ends the stream with RTCP BYE; `keepTransport` leaves the sockets open for a successor. */
  close(keepTransport = false): void {
    this.stopTicks();
    this.rtp.close("stream ended", keepTransport);
    this.codec.close();
  }
}
