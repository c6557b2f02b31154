// Writing our SDP (RFC 4566) from stream plans and the local resources bound for them.

import { type MediaAttributes, type SessionDescription, write } from "sdp-transform";
import { formatKeyParams, type SdesKey, SRTP_SUITE } from "./crypto-attribute.js";
import type { StreamPlan } from "./stream-plan.js";

export interface StreamResources {
  readonly rtpPort: number;
  /** Only when RTCP is not multiplexed: where we receive RTCP (RTP port + 1, RFC 3550 §11). */
  readonly rtcpPort?: number;
  /** Our SRTP key, for secure streams. */
  readonly key?: SdesKey;
}

export interface Origin {
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly address: string;
}

function ipVersion(address: string): 4 | 6 {
  return address.includes(":") ? 6 : 4;
}

export function renderDescription(
  origin: Origin,
  plans: readonly StreamPlan[],
  resources: readonly (StreamResources | undefined)[],
): string {
  const ipVer = ipVersion(origin.address);
  const sdp: SessionDescription = {
    version: 0,
    origin: {
      username: "duet",
      sessionId: origin.sessionId,
      sessionVersion: origin.sessionVersion,
      netType: "IN",
      ipVer,
      address: origin.address,
    },
    name: "-",
    connection: { version: ipVer, ip: origin.address },
    timing: { start: 0, stop: 0 },
    media: plans.map((plan, i) => {
      const res = resources[i];
      if (!plan.accepted || !res) {
        // RFC 3264 §6: a declined stream keeps its m-line with port 0 and some format.
        return {
          type: plan.media,
          port: 0,
          protocol: plan.protocol,
          payloads: plan.declinedFormats ?? "0",
          rtp: [],
          fmtp: [],
          ...(plan.mid !== undefined ? { mid: plan.mid } : {}),
        };
      }
      const all = [...plan.formats, ...(plan.telephoneEvent ? [plan.telephoneEvent] : [])];
      const m: SessionDescription["media"][number] = {
        type: plan.media,
        port: res.rtpPort,
        protocol: plan.protocol,
        payloads: all.map((f) => f.payloadType).join(" "),
        rtp: all.map((f) => ({
          payload: f.payloadType,
          codec: f.codec.name,
          rate: f.codec.clockRate,
          ...(f.codec.channels !== undefined ? { encoding: f.codec.channels } : {}),
        })),
        fmtp: all
          .filter((f) => f.codec.fmtp !== undefined)
          .map((f) => ({ payload: f.payloadType, config: f.codec.fmtp! })),
        direction: plan.direction,
      };
      const attrs: Partial<MediaAttributes> = {};
      if (plan.mid !== undefined) attrs.mid = plan.mid;
      if (plan.kind === "audio") attrs.ptime = plan.ptime;
      if (plan.rtcpMux) attrs.rtcpMux = "rtcp-mux";
      else if (res.rtcpPort !== undefined && res.rtcpPort !== res.rtpPort + 1) {
        attrs.rtcp = { port: res.rtcpPort };
      }
      if (plan.secure && res.key) {
        attrs.crypto = [
          { id: plan.cryptoTag ?? 1, suite: SRTP_SUITE, config: formatKeyParams(res.key) },
        ];
      }
      return { ...m, ...attrs };
    }),
  };
  return write(sdp);
}
