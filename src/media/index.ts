// Duet's media layer: SDP offer/answer, RTP/RTCP/SRTP, codecs, sources and sinks. The SIP stack
// uses MediaSession through the SessionDescriptionHandler hook; see docs/media.md.

export { type AudioCodec, createAudioCodec } from "./audio/codec.js";
export { decodeG711, encodeG711, type G711Law } from "./audio/g711.js";
export { resample } from "./audio/resample.js";
export { type AudioSource, SilenceSource, ToneSource } from "./audio/source.js";
export { type AudioSink, WavRecorder } from "./audio/wav-recorder.js";
export { readWavFile, WavFileSource } from "./audio/wav-source.js";
export {
  type DeclinedStream,
  InvalidArgumentError,
  InvalidStateError,
  MalformedSdpError,
  MediaError,
  type MediaErrorCode,
  MediaFileError,
  NotAcceptableError,
  OfferAnswerMismatchError,
  RequestPendingError,
  UnsupportedContentTypeError,
} from "./errors.js";
export { FrameScheduler } from "./rtp/frame-scheduler.js";
export type { RemoteReport, RtpStatistics } from "./rtp/rtp-session.js";
export { CODECS, type CodecName, type MediaKind } from "./sdp/codecs.js";
export type { Direction } from "./sdp/direction.js";
export type { LocalCapabilities, StreamPlan } from "./sdp/stream-plan.js";
export type { AudioStreamStatistics } from "./session/audio-stream.js";
export {
  MediaSession,
  type MediaSessionEvents,
  type MediaSessionOptions,
  type MediaStatistics,
  type SessionDescriptionHandler,
} from "./session/media-session.js";
export {
  OfferAnswerAdapter,
  type OfferAnswerHandler,
  type SessionBody,
} from "./session/offer-answer-adapter.js";
export type { VideoStreamStatistics } from "./session/video-stream.js";
export {
  type IvfFile,
  type IvfFrame,
  IvfRecorder,
  parseIvf,
  readIvfFile,
  serializeIvf,
} from "./video/ivf.js";
