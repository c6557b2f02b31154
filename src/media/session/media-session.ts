// A call's media, seen from the SIP stack through the session-description hook: getDescription()
// gives our offer (or the answer to a pending remote offer), setDescription() takes the peer's
// offer or answer, close() ends the media. Between those, it owns the sockets and the running
// audio/video streams, and offers hold/resume, adding/removing video, DTMF and statistics.
//
// Offer/answer state (RFC 3264 §4): "stable", "local offer sent" or "remote offer taken, answer
// not yet collected". Only one exchange is open at a time: a second one is refused with
// RequestPendingError (SIP 491), and rollbackLocalOffer() returns to the last agreed state when
// our re-INVITE loses a glare (RFC 3261 §14.1), so the session never mixes two exchanges.

import { randomBytes, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { type Clock, systemClock } from "../../common/clock.js";
import { warmUpOpus } from "../audio/codec.js";
import { type AudioSource, SilenceSource } from "../audio/source.js";
import type { AudioSink } from "../audio/wav-recorder.js";
import { InvalidStateError, RequestPendingError } from "../errors.js";
import { FrameScheduler } from "../rtp/frame-scheduler.js";
import { UdpTransport } from "../rtp/udp-transport.js";
import type { MediaKind } from "../sdp/codecs.js";
import { makeSdesKey, type SdesKey } from "../sdp/crypto-attribute.js";
import { applyAnswer, planAnswer, planOffer } from "../sdp/offer-answer.js";
import { renderDescription, type StreamResources } from "../sdp/render.js";
import { checkContentType, parseSessionDescription } from "../sdp/session-description.js";
import type { LocalCapabilities, StreamIntent, StreamPlan } from "../sdp/stream-plan.js";
import type { IvfFile, IvfRecorder } from "../video/ivf.js";
import { AudioStream, type AudioStreamStatistics } from "./audio-stream.js";
import { VideoStream, type VideoStreamStatistics } from "./video-stream.js";

/** The hook the SIP stack calls (structural: media does not import the SIP stack). */
export interface SessionDescriptionHandler {
  /** An offer if no remote offer is pending, else the answer to it. */
  getDescription(): Promise<{ body: string; contentType: string }>;
  /** Apply the peer's offer or answer. Throws (typed error) to reject. */
  setDescription(body: string, contentType: string): Promise<void>;
  close(): void;
}

export interface MediaSessionOptions {
  readonly clock?: Clock;
  /** Share one pacing scheduler between many sessions (one timer for all). */
  readonly scheduler?: FrameScheduler;
  /** Where we bind and what we write in c= (default 127.0.0.1). */
  readonly localAddress?: string;
  readonly audioSource?: AudioSource;
  readonly audioRecorder?: AudioSink;
  /** VP8 frames to send when video runs. */
  readonly videoSource?: IvfFile;
  readonly loopVideo?: boolean;
  readonly videoRecorder?: IvfRecorder;
  /** Offer and accept Opus (default true). */
  readonly opus?: boolean;
  /** Accept video offers (default true); addVideo() offers it. */
  readonly video?: boolean;
  /** SRTP policy (default "optional"); only used when `secureSignaling`. */
  readonly srtp?: LocalCapabilities["srtp"];
  /** True when the SIP transport is TLS, so SDES keys may travel in the SDP (RFC 4568 §8.3). */
  readonly secureSignaling?: boolean;
  /** Mean RTCP report interval (default 5000 ms, RFC 3550 §6.2). */
  readonly rtcpIntervalMs?: number;
  readonly cname?: string;
}

export interface MediaStatistics {
  readonly audio?: AudioStreamStatistics;
  readonly video?: VideoStreamStatistics;
}

export interface MediaSessionEvents {
  dtmf: [digit: string, durationMs: number];
  /** The peer sent RTCP BYE for a stream. */
  bye: [kind: MediaKind];
  /** A new offer/answer result is in force. */
  negotiated: [plans: readonly StreamPlan[]];
}

type OfferState =
  | { readonly kind: "stable" }
  | { readonly kind: "local-offer"; readonly plans: StreamPlan[]; readonly body: string }
  | { readonly kind: "remote-offer"; readonly body: string };

interface Slot {
  transport: UdpTransport;
  key: SdesKey | undefined;
  stream: AudioStream | VideoStream | undefined;
  remoteKey: SdesKey | undefined;
}

const CONTENT_TYPE = "application/sdp";

export class MediaSession
  extends EventEmitter<MediaSessionEvents>
  implements SessionDescriptionHandler
{
  private readonly clock: Clock;
  private readonly scheduler: FrameScheduler;
  private readonly address: string;
  private readonly caps: LocalCapabilities;
  private readonly sessionId = String(randomBytes(4).readUInt32BE(0));
  private sessionVersion = 0;
  private lastBodyShape: string | undefined;
  private intents: StreamIntent[] = [{ kind: "audio", enabled: true, hold: false }];
  private agreed: StreamPlan[] = [];
  private state: OfferState = { kind: "stable" };
  private readonly slots = new Map<number, Slot>();
  private held = false;
  /** removeVideo() was called: video re-offers are declined until addVideo(). */
  private videoRemoved = false;
  private closed = false;
  private closing: Promise<unknown> | undefined;
  private readonly cname: string;
  private offerInProgress: Promise<{ body: string; contentType: string }> | undefined;

  constructor(private readonly options: MediaSessionOptions = {}) {
    super();
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? new FrameScheduler(this.clock);
    this.address = options.localAddress ?? "127.0.0.1";
    this.cname = options.cname ?? `${randomUUID()}@duet`;
    this.caps = {
      opus: options.opus ?? true,
      video: options.video ?? true,
      srtp: options.srtp ?? "optional",
      secureSignaling: options.secureSignaling ?? false,
    };
    if (this.caps.opus) warmUpOpus();
  }

  // ---- the SIP hook -------------------------------------------------------------------------

  async getDescription(): Promise<{ body: string; contentType: string }> {
    this.assertOpen();
    const state = this.state;
    if (state.kind === "remote-offer") {
      this.state = { kind: "stable" };
      return { body: state.body, contentType: CONTENT_TYPE };
    }
    // Asked again before the answer came (an INVITE resent after a 401/407): same offer.
    if (state.kind === "local-offer") return { body: state.body, contentType: CONTENT_TYPE };
    // Two calls while the first is still binding sockets get the same offer too.
    this.offerInProgress ??= this.makeOffer().finally(() => {
      this.offerInProgress = undefined;
    });
    return this.offerInProgress;
  }

  private async makeOffer(): Promise<{ body: string; contentType: string }> {
    const plans = planOffer(this.intents, this.caps, this.agreed);
    const body = this.render(plans, await this.allocate(plans, true));
    this.state = { kind: "local-offer", plans, body };
    return { body, contentType: CONTENT_TYPE };
  }

  async setDescription(body: string, contentType: string): Promise<void> {
    this.assertOpen();
    checkContentType(contentType);
    const sdp = parseSessionDescription(body);
    const state = this.state;
    if (state.kind === "local-offer") {
      const plans = applyAnswer(state.plans, sdp);
      this.state = { kind: "stable" };
      this.commit(plans);
      return;
    }
    if (state.kind === "remote-offer") {
      throw new RequestPendingError(
        "a remote offer is already waiting for our answer: call getDescription() before applying another",
      );
    }
    const plans = planAnswer(sdp, this.caps, {
      hold: this.held,
      acceptVideo: !this.videoRemoved,
    });
    const answer = this.render(plans, await this.allocate(plans, false));
    this.intents = plans.map((p, i) => ({
      kind: p.kind ?? this.intents[i]?.kind ?? "audio",
      enabled: p.accepted,
      hold: this.held,
    }));
    this.commit(plans);
    this.state = { kind: "remote-offer", body: answer };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.state = { kind: "stable" };
    for (const slot of this.slots.values()) {
      if (slot.stream) slot.stream.close();
      else slot.transport.close();
    }
    this.slots.clear();
    // Errors writing recordings surface from whenClosed(), never as unhandled rejections.
    this.closing = Promise.all([
      this.options.audioRecorder?.close(),
      this.options.videoRecorder?.close(),
    ]).then(
      () => undefined,
      (e: unknown) => e,
    );
  }

  /** Resolves when close() has finished writing recordings. */
  async whenClosed(): Promise<void> {
    const error = await this.closing;
    if (error) throw error;
  }

  // ---- call control (each then needs an offer: getDescription() and a re-INVITE) -------------

  /** True once close() ran (the SIP stack closes the hook when the call ends). */
  get isClosed(): boolean {
    return this.closed;
  }

  get offerState(): OfferState["kind"] {
    return this.state.kind;
  }

  /** Puts our streams on hold (RFC 3264 §8.4): the next offer says sendonly. */
  hold(): void {
    this.changeIntents(() => {
      this.held = true;
      this.intents = this.intents.map((i) => ({ ...i, hold: true }));
    });
  }

  resume(): void {
    this.changeIntents(() => {
      this.held = false;
      this.intents = this.intents.map((i) => ({ ...i, hold: false }));
    });
  }

  /** Adds a video stream (RFC 3264 §8.1): reuses a disabled video m-line, else appends one. */
  addVideo(): void {
    this.changeIntents(() => {
      this.videoRemoved = false;
      const at = this.intents.findIndex((i) => i.kind === "video");
      const video: StreamIntent = { kind: "video", enabled: true, hold: this.held };
      if (at >= 0) this.intents[at] = video;
      else this.intents.push(video);
    });
  }

  /** Removes video (RFC 3264 §8.2): its m-line stays, with port 0. */
  removeVideo(): void {
    this.changeIntents(() => {
      this.videoRemoved = true;
      this.intents = this.intents.map((i) => (i.kind === "video" ? { ...i, enabled: false } : i));
    });
  }

  /** Our re-offer lost a glare (491): forget it and return to the last agreed session. */
  rollbackLocalOffer(): void {
    if (this.state.kind !== "local-offer") return;
    this.state = { kind: "stable" };
    for (const [index, slot] of this.slots) {
      if (!this.agreed[index]?.accepted) {
        slot.transport.close();
        this.slots.delete(index);
      }
    }
  }

  /** Sends DTMF digits as RFC 4733 events on the audio stream. */
  sendDtmf(digits: string, durationMs?: number): void {
    const audio = this.audioStream();
    if (!audio)
      throw new InvalidStateError("no audio stream is running: DTMF needs an answered call");
    audio.sendDigits(digits, durationMs);
  }

  get sendingDtmf(): boolean {
    return this.audioStream()?.sendingDigits ?? false;
  }

  statistics(): MediaStatistics {
    const out: { audio?: AudioStreamStatistics; video?: VideoStreamStatistics } = {};
    for (const slot of this.slots.values()) {
      if (slot.stream instanceof AudioStream) out.audio = slot.stream.statistics();
      else if (slot.stream instanceof VideoStream) out.video = slot.stream.statistics();
    }
    return out;
  }

  /** The last agreed offer/answer outcome, one plan per m-line. */
  get negotiated(): readonly StreamPlan[] {
    return this.agreed;
  }

  // ---- internals ----------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new InvalidStateError("the media session is closed");
  }

  private changeIntents(change: () => void): void {
    this.assertOpen();
    if (this.state.kind !== "stable") {
      throw new RequestPendingError(
        `an offer/answer exchange is open (${this.state.kind}); finish it before changing the session`,
      );
    }
    change();
  }

  private audioStream(): AudioStream | undefined {
    for (const slot of this.slots.values())
      if (slot.stream instanceof AudioStream) return slot.stream;
    return undefined;
  }

  /** Sockets (and SRTP keys) for every accepted m-line, reusing those already bound. */
  private async allocate(
    plans: StreamPlan[],
    forOffer: boolean,
  ): Promise<(StreamResources | undefined)[]> {
    const out: (StreamResources | undefined)[] = [];
    for (const plan of plans) {
      if (!plan.accepted) {
        out.push(undefined);
        continue;
      }
      let slot = this.slots.get(plan.index);
      if (!slot) {
        // An offer binds an RTCP port too, in case the answer refuses rtcp-mux (RFC 5761 §5.1.1).
        const transport = await UdpTransport.open(this.address, forOffer || !plan.rtcpMux);
        if (this.closed) {
          // close() ran while we were binding: do not leave the sockets behind.
          transport.close();
          throw new InvalidStateError("the media session was closed while it was being described");
        }
        slot = { transport, key: undefined, stream: undefined, remoteKey: undefined };
        this.slots.set(plan.index, slot);
      }
      if (plan.secure) slot.key ??= makeSdesKey(randomBytes);
      const t = slot.transport;
      const rtcpPort = t.rtcpPort;
      out.push({
        rtpPort: t.rtpPort,
        ...(!plan.rtcpMux && rtcpPort !== undefined ? { rtcpPort } : {}),
        ...(plan.secure && slot.key ? { key: slot.key } : {}),
      });
    }
    return out;
  }

  private render(plans: StreamPlan[], resources: (StreamResources | undefined)[]): string {
    // RFC 3264 §8: the version goes up only when the description changes.
    const shape = renderDescription(
      { sessionId: this.sessionId, sessionVersion: 0, address: this.address },
      plans,
      resources,
    );
    if (shape !== this.lastBodyShape) {
      this.sessionVersion++;
      this.lastBodyShape = shape;
    }
    return renderDescription(
      { sessionId: this.sessionId, sessionVersion: this.sessionVersion, address: this.address },
      plans,
      resources,
    );
  }

  /** Puts an agreed outcome into force: starts, updates or stops each stream. */
  private commit(plans: StreamPlan[]): void {
    for (const plan of plans) {
      const slot = this.slots.get(plan.index);
      if (!slot) continue;
      if (!plan.accepted || !plan.remote) {
        slot.stream?.close();
        if (!slot.stream) slot.transport.close();
        this.slots.delete(plan.index);
        continue;
      }
      const r = plan.remote;
      const newClock =
        slot.stream instanceof AudioStream &&
        slot.stream.clockRate !== plan.formats[0]!.codec.clockRate;
      if (slot.stream && (newClock || !sameKey(slot.remoteKey, plan.remoteKey))) {
        // New SRTP keys (RFC 4568 §7.1.4), or a codec with another RTP clock (Opus ↔ G.711),
        // whose timestamps cannot continue the old ones: a fresh RTP session, same sockets.
        slot.stream.close(true);
        slot.stream = undefined;
      }
      slot.transport.setRemote(
        r.address ? { address: r.address, port: r.rtpPort } : undefined,
        r.rtcpAddress ? { address: r.rtcpAddress, port: r.rtcpPort } : undefined,
        plan.rtcpMux,
      );
      slot.remoteKey = plan.remoteKey;
      if (slot.stream) {
        slot.stream.update(plan);
        continue;
      }
      const srtp =
        plan.secure && slot.key && plan.remoteKey
          ? { local: slot.key, remote: plan.remoteKey }
          : undefined;
      const common = {
        clock: this.clock,
        scheduler: this.scheduler,
        transport: slot.transport,
        plan,
        cname: this.cname,
        rtcpIntervalMs: this.options.rtcpIntervalMs ?? 5000,
        srtp,
      };
      slot.stream =
        plan.kind === "audio"
          ? new AudioStream({
              ...common,
              source: this.options.audioSource ?? new SilenceSource(),
              sink: this.options.audioRecorder,
              onDigit: (d, ms) => this.emit("dtmf", d, ms),
              onBye: () => this.emit("bye", "audio"),
            })
          : new VideoStream({
              ...common,
              source: this.options.videoSource,
              loop: this.options.loopVideo ?? false,
              recorder: this.options.videoRecorder,
              onBye: () => this.emit("bye", "video"),
            });
    }
    // Streams whose m-line disappeared from a (non-conforming) shorter offer.
    for (const [index, slot] of this.slots) {
      if (index >= plans.length) {
        slot.stream?.close();
        slot.transport.close();
        this.slots.delete(index);
      }
    }
    this.agreed = plans;
    this.emit("negotiated", plans);
  }
}

function sameKey(a: SdesKey | undefined, b: SdesKey | undefined): boolean {
  if (!a || !b) return a === b;
  return a.masterKey.equals(b.masterKey) && a.masterSalt.equals(b.masterSalt);
}
