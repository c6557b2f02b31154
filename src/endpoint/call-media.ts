// The media of each call, made from the configuration: what we send (tone, WAV file or
// silence; an IVF file for video), what we record (WAV and IVF per call in the record folder),
// and which codecs we offer. One MediaSession per SIP dialog.

import { join } from "node:path";
import type { Media } from "../coex/index.js";
import type { Clock } from "../common/clock.js";
import { type AudioSource, SilenceSource, ToneSource } from "../media/audio/source.js";
import { WavRecorder } from "../media/audio/wav-recorder.js";
import { WavFileSource } from "../media/audio/wav-source.js";
import type { StreamPlan } from "../media/sdp/stream-plan.js";
import { MediaSession } from "../media/session/media-session.js";
import { type IvfFile, IvfRecorder, readIvfFile } from "../media/video/ivf.js";
import type { AudioSourceSpec, VideoSourceSpec } from "./config/index.js";

export interface CallMediaConfig {
  readonly clock: Clock;
  /** The local IP address RTP binds to and the SDP advertises. */
  readonly localAddress: string;
  readonly audio: AudioSourceSpec;
  readonly video: VideoSourceSpec;
  /** Folder for recordings; unset: nothing is recorded. */
  readonly record?: string;
  /** Opus offered and accepted (else G.711 only). */
  readonly opus: boolean;
  /** Video offered and accepted at all. */
  readonly videoEnabled: boolean;
  /** The SIP signalling runs over TLS: SRTP (SDES) may be offered (RFC 4568 §8.3). */
  readonly secureSignaling: boolean;
}

/** Files a call's media was recorded into. */
export interface CallRecordings {
  readonly audio?: string;
  readonly video?: string;
}

export class CallMediaFactory {
  private video: IvfFile | undefined;

  constructor(private readonly config: CallMediaConfig) {
    // Read once, at start-up, so that a missing or broken file is reported before any call.
    if (config.video.kind === "file") this.video = readIvfFile(config.video.path);
    if (config.audio.kind === "file") new WavFileSource(config.audio.path);
  }

  /** What this device can do (PROFILE.md §2: advertised in presence and disco). */
  get capabilities(): Media[] {
    return this.config.videoEnabled ? ["audio", "video"] : ["audio"];
  }

  private audioSource(): AudioSource {
    const a = this.config.audio;
    switch (a.kind) {
      case "tone":
        return new ToneSource(a.hz);
      case "file":
        return new WavFileSource(a.path, true);
      case "silence":
        return new SilenceSource();
    }
  }

  /** A session for the call with handle `call`; `wanted` is what an offer of ours proposes. */
  create(call: string, wanted: readonly Media[]): { session: MediaSession; files: CallRecordings } {
    const dir = this.config.record;
    const files: CallRecordings = dir
      ? {
          audio: join(dir, `${call}.wav`),
          ...(this.config.videoEnabled ? { video: join(dir, `${call}.ivf`) } : {}),
        }
      : {};
    const session = new MediaSession({
      clock: this.config.clock,
      localAddress: this.config.localAddress,
      audioSource: this.audioSource(),
      ...(files.audio ? { audioRecorder: new WavRecorder(files.audio) } : {}),
      ...(this.video ? { videoSource: this.video, loopVideo: true } : {}),
      ...(files.video
        ? {
            videoRecorder: new IvfRecorder(
              files.video,
              this.video?.width ?? 0,
              this.video?.height ?? 0,
            ),
          }
        : {}),
      opus: this.config.opus,
      video: this.config.videoEnabled,
      secureSignaling: this.config.secureSignaling,
    });
    if (wanted.includes("video") && this.config.videoEnabled) session.addVideo();
    return { session, files };
  }
}

/** The media a negotiation left running: the accepted m-lines' kinds, audio first. */
export function mediaOf(plans: readonly StreamPlan[]): Media[] {
  const out: Media[] = [];
  for (const kind of ["audio", "video"] as const) {
    if (plans.some((p) => p.media === kind && p.accepted)) out.push(kind);
  }
  return out;
}

/** The media an SDP offer proposes: m-lines with a port other than 0 (RFC 3264 §5.1). */
export function mediaOfferedIn(sdp: string): Media[] {
  const out = new Set<Media>();
  for (const m of sdp.matchAll(/^m=(audio|video) (\d+)/gm)) {
    if (m[2] !== "0") out.add(m[1] as Media);
  }
  return (["audio", "video"] as const).filter((k) => out.has(k));
}
