// The formats Duet can carry, as they appear in SDP rtpmap lines (RFC 4566 §6, RFC 3551 §6).
// Names compare case-insensitively (RFC 4855 §3: media subtype names are case-insensitive).

export type MediaKind = "audio" | "video";

export type CodecName = "PCMU" | "PCMA" | "opus" | "telephone-event" | "VP8";

export interface CodecSpec {
  readonly name: CodecName;
  readonly kind: MediaKind;
  readonly clockRate: number;
  /** Channel count written in rtpmap, when the format needs it (Opus: always 2, RFC 7587 §7). */
  readonly channels?: number;
  /** Static payload type from RFC 3551 Table 4, when the format has one. */
  readonly staticPayloadType?: number;
  /** Payload type we use in our own offers. */
  readonly preferredPayloadType: number;
  /** fmtp we send with the format in offers and answers. */
  readonly fmtp?: string;
}

export const CODECS: Readonly<Record<CodecName, CodecSpec>> = {
  opus: {
    name: "opus",
    kind: "audio",
    clockRate: 48000,
    channels: 2,
    preferredPayloadType: 111,
    // We send and want mono; RFC 7587 §6.1 defaults are stereo=0, but say so explicitly.
    fmtp: "minptime=20;useinbandfec=0;stereo=0;sprop-stereo=0",
  },
  PCMU: {
    name: "PCMU",
    kind: "audio",
    clockRate: 8000,
    staticPayloadType: 0,
    preferredPayloadType: 0,
  },
  PCMA: {
    name: "PCMA",
    kind: "audio",
    clockRate: 8000,
    staticPayloadType: 8,
    preferredPayloadType: 8,
  },
  "telephone-event": {
    name: "telephone-event",
    kind: "audio",
    clockRate: 8000,
    preferredPayloadType: 101,
    // RFC 4733 §2.4.1: the DTMF events 0-15 are what we send and understand.
    fmtp: "0-15",
  },
  VP8: { name: "VP8", kind: "video", clockRate: 90000, preferredPayloadType: 96 },
};

/** Finds our codec for an rtpmap entry, or for a static payload type without rtpmap. */
export function lookupCodec(
  kind: MediaKind,
  payloadType: number,
  rtpmap: { codec: string; rate?: number; encoding?: number } | undefined,
): CodecSpec | undefined {
  if (!rtpmap) {
    // RFC 3551 §6: static types 0 and 8 may appear without rtpmap.
    if (kind !== "audio") return undefined;
    if (payloadType === 0) return CODECS.PCMU;
    if (payloadType === 8) return CODECS.PCMA;
    return undefined;
  }
  const name = rtpmap.codec.toLowerCase();
  for (const spec of Object.values(CODECS)) {
    if (spec.kind !== kind || spec.name.toLowerCase() !== name) continue;
    if (rtpmap.rate !== undefined && rtpmap.rate !== spec.clockRate) continue;
    // Opus must be signalled as opus/48000/2 (RFC 7587 §7); other channel counts are not Opus.
    if (spec.channels !== undefined && (rtpmap.encoding ?? 1) !== spec.channels) continue;
    if (spec.channels === undefined && rtpmap.encoding !== undefined && rtpmap.encoding !== 1) {
      continue;
    }
    return spec;
  }
  return undefined;
}
