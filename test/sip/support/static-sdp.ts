// A session-description handler for tests: real SDP (RFC 4566) with one PCMU audio stream on a
// given port, so that sipp, baresip and Kamailio see ordinary offers and answers. No media flows.
import type {
  SessionBody,
  SessionDescriptionHandler,
  SessionDescriptionHandlerFactory,
} from "../../../src/sip/ua/index.js";

export interface SdpLog {
  offers: number;
  answers: number;
  remoteBodies: string[];
}

function sdp(port: number, version: number): string {
  return [
    "v=0",
    `o=duet 4242 ${version} IN IP4 127.0.0.1`,
    "s=-",
    "c=IN IP4 127.0.0.1",
    "t=0 0",
    `m=audio ${port} RTP/AVP 0 101`,
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:101 telephone-event/8000",
    "a=sendrecv",
    "",
  ].join("\r\n");
}

export function staticSdp(log?: SdpLog, port = 40000): SessionDescriptionHandlerFactory {
  return () => {
    let version = 1;
    const handler: SessionDescriptionHandler = {
      async createOffer(): Promise<SessionBody> {
        if (log) log.offers++;
        return { contentType: "application/sdp", content: sdp(port, version++) };
      },
      async createAnswer(offer: SessionBody): Promise<SessionBody> {
        if (log) {
          log.answers++;
          log.remoteBodies.push(offer.content);
        }
        if (!offer.content.includes("m=audio")) throw new Error("no audio in the offer");
        return { contentType: "application/sdp", content: sdp(port, version++) };
      },
      async setAnswer(answer: SessionBody): Promise<void> {
        if (log) log.remoteBodies.push(answer.content);
      },
      close(): void {},
    };
    return handler;
  };
}
