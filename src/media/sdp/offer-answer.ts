// RFC 3264 offer/answer over parsed SDP: planning our offer, answering a remote offer, and
// applying a remote answer to our offer. Pure functions: no sockets, no randomness — those are
// supplied to render() — so the golden tests pin every rule.

import { NotAcceptableError, OfferAnswerMismatchError } from "../errors.js";
import { CODECS, type CodecSpec, lookupCodec, type MediaKind } from "./codecs.js";
import { parseCryptoLine } from "./crypto-attribute.js";
import { answerDirection, type Direction, directionOf, receives, sends } from "./direction.js";
import {
  type MediaDescription,
  payloadTypesOf,
  type SessionDescription,
} from "./session-description.js";
import type {
  LocalCapabilities,
  NegotiatedFormat,
  RemoteTransport,
  StreamIntent,
  StreamPlan,
} from "./stream-plan.js";

/** G.711 packet times we can send; anything else asked for falls back to 20 ms. */
const G711_PTIMES = [10, 20, 30, 40, 50, 60];
const DEFAULT_PTIME = 20;

type ProtocolVerdict = { ok: true; secure: boolean } | { ok: false; reason: string };

function judgeProtocol(
  protocol: string,
  m: MediaDescription,
  caps: LocalCapabilities,
): ProtocolVerdict {
  const proto = protocol.toUpperCase();
  const srtpAllowed = caps.secureSignaling && caps.srtp !== "off";
  const hasUsableCrypto = (m.crypto ?? []).some((c) => parseCryptoLine(c) !== undefined);
  if (proto === "RTP/AVP") {
    // Best-effort SRTP: a=crypto on RTP/AVP; use it when we may, else plain RTP is fine.
    return { ok: true, secure: srtpAllowed && hasUsableCrypto };
  }
  if (proto === "RTP/SAVP") {
    if (!caps.secureSignaling) {
      return {
        ok: false,
        reason:
          "SRTP with SDES keys needs a TLS signalling path (RFC 4568 §8.3); call over sips: or offer RTP/AVP",
      };
    }
    if (caps.srtp === "off") return { ok: false, reason: "SRTP is turned off on this endpoint" };
    if (!hasUsableCrypto) {
      return {
        ok: false,
        reason: "RTP/SAVP offered without a usable a=crypto AES_CM_128_HMAC_SHA1_80 key",
      };
    }
    return { ok: true, secure: true };
  }
  if (proto.startsWith("UDP/TLS/RTP/") || proto.startsWith("TCP/TLS/RTP/")) {
    return {
      ok: false,
      reason: `DTLS-SRTP (${protocol}, RFC 5763) and ICE are not supported; offer RTP/AVP, or RTP/SAVP with a=crypto`,
    };
  }
  if (proto === "RTP/AVPF" || proto === "RTP/SAVPF") {
    return {
      ok: false,
      reason: `the RTCP feedback profile ${protocol} (RFC 4585) is not supported; offer RTP/AVP`,
    };
  }
  return { ok: false, reason: `transport ${protocol} is not supported; offer RTP/AVP` };
}

function mediaKindOf(type: string): MediaKind | undefined {
  return type === "audio" || type === "video" ? type : undefined;
}

function validPort(port: unknown): boolean {
  return typeof port === "number" && Number.isInteger(port) && port > 0 && port <= 65535;
}

function remoteTransportOf(sdp: SessionDescription, m: MediaDescription): RemoteTransport {
  const conn = m.connection ?? sdp.connection;
  // The address may carry a TTL or count suffix (RFC 4566 §5.7); sdp-transform may give a number.
  const ip = conn?.ip === undefined ? undefined : String(conn.ip).split("/")[0];
  // 0.0.0.0 is RFC 2543 hold (RFC 3264 §8.4): the peer wants nothing sent to it.
  const address = ip === undefined || ip === "0.0.0.0" || ip === "::" ? undefined : ip;
  const rtcpAddress = m.rtcp?.address === undefined ? address : String(m.rtcp.address);
  return {
    address,
    rtpPort: m.port,
    rtcpAddress,
    // RFC 3605: a=rtcp gives the port when it is not the next one up (ignored when nonsense).
    rtcpPort: validPort(m.rtcp?.port) ? m.rtcp!.port : Math.min(m.port + 1, 65535),
  };
}

function offeredDirection(sdp: SessionDescription, m: MediaDescription): Direction {
  return m.direction ?? sdp.direction ?? "sendrecv";
}

function sendPtime(codec: CodecSpec, requested: number | undefined): number {
  if (codec.name !== "PCMU" && codec.name !== "PCMA") return DEFAULT_PTIME;
  return requested !== undefined && G711_PTIMES.includes(requested) ? requested : DEFAULT_PTIME;
}

/** The formats of an m-line we understand, in its order, split into media and DTMF. */
function understoodFormats(
  kind: MediaKind,
  m: MediaDescription,
  caps: LocalCapabilities,
): { formats: NegotiatedFormat[]; telephoneEvent?: NegotiatedFormat } {
  const formats: NegotiatedFormat[] = [];
  let telephoneEvent: NegotiatedFormat | undefined;
  for (const pt of payloadTypesOf(m)) {
    const codec = lookupCodec(
      kind,
      pt,
      m.rtp.find((r) => r.payload === pt),
    );
    if (!codec) continue;
    if (codec.name === "opus" && !caps.opus) continue;
    if (codec.name === "telephone-event") {
      telephoneEvent ??= { codec, payloadType: pt };
      continue;
    }
    if (!formats.some((f) => f.codec.name === codec.name)) formats.push({ codec, payloadType: pt });
  }
  return telephoneEvent ? { formats, telephoneEvent } : { formats };
}

function supportedList(kind: MediaKind, caps: LocalCapabilities): string {
  if (kind === "video") return "VP8";
  return caps.opus ? "opus, PCMU, PCMA" : "PCMU, PCMA";
}

function declined(
  index: number,
  m: { type: string; protocol: string; payloads?: string | number; mid?: string | number },
  reason: string,
): StreamPlan {
  const plan: StreamPlan = {
    index,
    media: m.type,
    protocol: m.protocol,
    kind: mediaKindOf(m.type),
    accepted: false,
    declineReason: reason,
    declinedFormats: String(m.payloads ?? "0").trim() || "0",
    formats: [],
    direction: "inactive",
    ptime: DEFAULT_PTIME,
    rtcpMux: false,
    secure: false,
  };
  return m.mid !== undefined ? { ...plan, mid: String(m.mid) } : plan;
}

export interface AnswerOptions {
  /** Whether we currently hold each kind of stream (the answerer may hold too, RFC 3264 §8.4). */
  readonly hold: boolean;
  /** Whether we want video now (removeVideo() sets this false: video offers are declined). */
  readonly acceptVideo: boolean;
}

/**
 * Answers a remote offer (RFC 3264 §6): one plan per offered m-line, in order. Throws
 * NotAcceptableError when nothing can be accepted, so that the UA answers 488 instead of
 * accepting a call without media.
 */
export function planAnswer(
  offer: SessionDescription,
  caps: LocalCapabilities,
  options: AnswerOptions,
): StreamPlan[] {
  const plans: StreamPlan[] = [];
  const taken = new Set<MediaKind>();
  offer.media.forEach((m, index) => {
    const kind = mediaKindOf(m.type);
    if (m.port === 0) {
      plans.push(declined(index, m, "the offerer disabled this stream (port 0)"));
      return;
    }
    if (!kind) {
      plans.push(declined(index, m, `media type "${m.type}" is not supported`));
      return;
    }
    if (kind === "video" && !(caps.video && options.acceptVideo)) {
      plans.push(declined(index, m, "video is turned off on this endpoint"));
      return;
    }
    if (taken.has(kind)) {
      plans.push(declined(index, m, `only one ${kind} stream per call is supported`));
      return;
    }
    const verdict = judgeProtocol(m.protocol, m, caps);
    if (!verdict.ok) {
      plans.push(declined(index, m, verdict.reason));
      return;
    }
    const { formats, telephoneEvent } = understoodFormats(kind, m, caps);
    if (formats.length === 0) {
      plans.push(
        declined(
          index,
          m,
          `no common ${kind} codec (this endpoint supports ${supportedList(kind, caps)})`,
        ),
      );
      return;
    }
    let crypto: ReturnType<typeof parseCryptoLine>;
    if (verdict.secure) {
      for (const line of m.crypto ?? []) {
        crypto = parseCryptoLine(line);
        if (crypto) break;
      }
    }
    taken.add(kind);
    const wanted: Direction = options.hold ? "sendonly" : "sendrecv";
    const remote = remoteTransportOf(offer, m);
    let direction = answerDirection(offeredDirection(offer, m), wanted);
    if (!remote.address) direction = directionOf(false, receives(direction));
    const plan: StreamPlan = {
      index,
      media: m.type,
      protocol: m.protocol,
      kind,
      accepted: true,
      formats,
      direction,
      ptime: sendPtime(formats[0]!.codec, m.ptime),
      // RFC 5761 §5.1.1: the answerer may accept multiplexing the offerer proposed.
      rtcpMux: m.rtcpMux !== undefined,
      secure: crypto !== undefined,
      remote,
      ...(kind === "audio" && telephoneEvent ? { telephoneEvent } : {}),
      ...(crypto ? { cryptoTag: crypto.tag, remoteKey: crypto.key } : {}),
      ...(m.mid !== undefined ? { mid: String(m.mid) } : {}),
    };
    plans.push(plan);
  });
  if (plans.length > 0 && plans.every((p) => !p.accepted)) {
    throw new NotAcceptableError(
      plans.map((p) => ({ index: p.index, media: p.media, reason: p.declineReason ?? "declined" })),
    );
  }
  return plans;
}

/** Our default format list for a new stream of a kind, in preference order. */
function defaultFormats(kind: MediaKind, caps: LocalCapabilities): CodecSpec[] {
  if (kind === "video") return [CODECS.VP8];
  return caps.opus ? [CODECS.opus, CODECS.PCMU, CODECS.PCMA] : [CODECS.PCMU, CODECS.PCMA];
}

/**
 * Payload types for our offer: the ones already agreed on this m-line keep their numbers (RFC
 * 3264 §8.3.2), new ones get our preferred numbers unless taken.
 */
function assignPayloadTypes(
  codecs: CodecSpec[],
  previous: StreamPlan | undefined,
): NegotiatedFormat[] {
  const agreed = [
    ...(previous?.formats ?? []),
    ...(previous?.telephoneEvent ? [previous.telephoneEvent] : []),
  ];
  const used = new Set(agreed.map((f) => f.payloadType));
  return codecs.map((codec) => {
    const before = agreed.find((f) => f.codec.name === codec.name);
    if (before) return { codec, payloadType: before.payloadType };
    let pt = codec.staticPayloadType ?? codec.preferredPayloadType;
    if (codec.staticPayloadType === undefined) {
      while (used.has(pt)) pt = pt >= 127 ? 96 : pt + 1;
    }
    used.add(pt);
    return { codec, payloadType: pt };
  });
}

/**
 * Plans our offer (initial or re-offer, RFC 3264 §5 and §8) from what we want of each m-line
 * slot. `previous` is the last agreed plan, so that re-offers keep m-line order and payload types.
 */
export function planOffer(
  intents: readonly StreamIntent[],
  caps: LocalCapabilities,
  previous: readonly StreamPlan[],
): StreamPlan[] {
  const srtp = caps.secureSignaling && caps.srtp !== "off";
  return intents.map((intent, index) => {
    const before = previous[index];
    const protocol = srtp && caps.srtp === "mandatory" ? "RTP/SAVP" : "RTP/AVP";
    if (!intent.enabled) {
      // A disabled slot keeps what it was (media type, protocol, formats): a foreign m-line we
      // once declined (image, application) is offered back unchanged, with port 0.
      return declined(
        index,
        {
          type: before?.media ?? intent.kind,
          protocol: before?.protocol ?? protocol,
          payloads:
            before?.declinedFormats ??
            before?.formats[0]?.payloadType ??
            (intent.kind === "audio" ? 0 : 96),
        },
        "removed by us",
      );
    }
    const codecs = defaultFormats(intent.kind, caps);
    const all = assignPayloadTypes(
      intent.kind === "audio" ? [...codecs, CODECS["telephone-event"]] : codecs,
      before,
    );
    const formats = all.filter((f) => f.codec.name !== "telephone-event");
    const telephoneEvent = all.find((f) => f.codec.name === "telephone-event");
    return {
      index,
      media: intent.kind,
      protocol,
      kind: intent.kind,
      accepted: true,
      formats,
      direction: intent.hold ? "sendonly" : "sendrecv",
      ptime: DEFAULT_PTIME,
      rtcpMux: true,
      secure: srtp,
      ...(telephoneEvent ? { telephoneEvent } : {}),
      ...(srtp ? { cryptoTag: 1 } : {}),
    } satisfies StreamPlan;
  });
}

/**
 * Applies the peer's answer to our offer (RFC 3264 §6, §7): which streams run, with which
 * formats, directions and keys. A stream whose answer we cannot use is turned off rather than
 * failing the whole call; a structurally wrong answer throws.
 */
export function applyAnswer(
  offered: readonly StreamPlan[],
  answer: SessionDescription,
): StreamPlan[] {
  if (answer.media.length !== offered.length) {
    throw new OfferAnswerMismatchError(
      `we offered ${offered.length} m-lines and the answer has ${answer.media.length} (RFC 3264 §6)`,
    );
  }
  return offered.map((ours, index) => {
    const m = answer.media[index]!;
    if (m.type !== ours.media) {
      throw new OfferAnswerMismatchError(
        `m-line ${index} is "${ours.media}" in our offer and "${m.type}" in the answer`,
      );
    }
    if (!ours.accepted) return ours;
    if (m.port === 0)
      return declined(index, { ...m, protocol: ours.protocol }, "declined by the peer");
    const kind = ours.kind!;
    // Formats the answer lists that we offered; the answer's payload types are what we send.
    const formats: NegotiatedFormat[] = [];
    let telephoneEvent: NegotiatedFormat | undefined;
    for (const pt of payloadTypesOf(m)) {
      const rtpmap = m.rtp.find((r) => r.payload === pt);
      const ourFormat = [...ours.formats, ...(ours.telephoneEvent ? [ours.telephoneEvent] : [])];
      // Liberal: an answer may omit rtpmap for a dynamic type it took from our offer.
      const codec =
        lookupCodec(kind, pt, rtpmap) ??
        (rtpmap ? undefined : ourFormat.find((f) => f.payloadType === pt)?.codec);
      if (!codec || !ourFormat.some((f) => f.codec.name === codec.name)) continue;
      if (codec.name === "telephone-event") telephoneEvent ??= { codec, payloadType: pt };
      else if (!formats.some((f) => f.codec.name === codec.name))
        formats.push({ codec, payloadType: pt });
    }
    if (formats.length === 0) {
      return declined(
        index,
        { ...m, protocol: ours.protocol },
        "the answer has none of the codecs we offered",
      );
    }
    let crypto: ReturnType<typeof parseCryptoLine>;
    if (ours.secure) {
      crypto = (m.crypto ?? [])
        .map((c) => parseCryptoLine(c))
        .find((c) => c !== undefined && c.tag === ours.cryptoTag);
      if (!crypto && ours.protocol.toUpperCase() === "RTP/SAVP") {
        return declined(
          index,
          { ...m, protocol: ours.protocol },
          "the answer has no usable a=crypto key",
        );
      }
    }
    const theirs = offeredDirection(answer, m);
    const remote = remoteTransportOf(answer, m);
    const direction = directionOf(
      sends(ours.direction) && receives(theirs) && remote.address !== undefined,
      receives(ours.direction) && sends(theirs),
    );
    const plan: StreamPlan = {
      index,
      media: ours.media,
      protocol: ours.protocol,
      kind,
      accepted: true,
      formats,
      direction,
      ptime: sendPtime(formats[0]!.codec, m.ptime),
      rtcpMux: ours.rtcpMux && m.rtcpMux !== undefined,
      secure: crypto !== undefined,
      remote,
      ...(telephoneEvent ? { telephoneEvent } : {}),
      ...(crypto ? { cryptoTag: crypto.tag, remoteKey: crypto.key } : {}),
      ...(ours.mid !== undefined ? { mid: ours.mid } : {}),
    };
    return plan;
  });
}
