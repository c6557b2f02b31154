// The outcome of offer/answer for one m-line: what we agreed to send and receive, and where.

import type { CodecSpec, MediaKind } from "./codecs.js";
import type { SdesKey } from "./crypto-attribute.js";
import type { Direction } from "./direction.js";

export interface NegotiatedFormat {
  readonly codec: CodecSpec;
  readonly payloadType: number;
}

export interface RemoteTransport {
  /** Undefined when the peer gave 0.0.0.0 (RFC 3264 §8.4 old-style hold): send nothing. */
  readonly address: string | undefined;
  readonly rtpPort: number;
  readonly rtcpAddress: string | undefined;
  readonly rtcpPort: number;
}

export interface StreamPlan {
  readonly index: number;
  /** The m-line's media type as written ("audio", "video", or whatever a peer offered). */
  readonly media: string;
  readonly protocol: string;
  readonly kind: MediaKind | undefined;
  readonly accepted: boolean;
  /** Why the stream is off (port 0), for logs and the 488 Warning. */
  readonly declineReason?: string;
  /** Format list written on a declined m-line (RFC 3264 §6: at least one format). */
  readonly declinedFormats?: string;
  readonly mid?: string;
  /** Agreed media formats in preference order; the first is what we send. */
  readonly formats: readonly NegotiatedFormat[];
  readonly telephoneEvent?: NegotiatedFormat;
  /** Our direction (what we write in our SDP and do). */
  readonly direction: Direction;
  /** Packet time we send, in ms (audio). */
  readonly ptime: number;
  readonly rtcpMux: boolean;
  /** SRTP with SDES keys (RFC 4568). */
  readonly secure: boolean;
  readonly cryptoTag?: number;
  readonly remoteKey?: SdesKey;
  readonly remote?: RemoteTransport;
}

/** What the local side can do, fixed for a session. */
export interface LocalCapabilities {
  readonly opus: boolean;
  readonly video: boolean;
  /**
   * SRTP policy. SDES keys travel in the SDP, so they are only offered or accepted when the SIP
   * transport is TLS (RFC 4568 §8.3); `secureSignaling` says so.
   *  - "off": plain RTP only;
   *  - "optional": offer RTP/AVP with a=crypto (best effort, as baresip and linphone do);
   *  - "mandatory": offer RTP/SAVP.
   */
  readonly srtp: "off" | "optional" | "mandatory";
  readonly secureSignaling: boolean;
}

/** What the local side wants of one stream, changed by addVideo/removeVideo/hold/resume. */
export interface StreamIntent {
  readonly kind: MediaKind;
  readonly enabled: boolean;
  readonly hold: boolean;
}
