// Runs one golden offer/answer case: the offer through planAnswer and renderDescription with
// fixed resources (ports, keys, origin), so that the answer text is reproducible.

import { MediaError } from "../../../src/media/errors.js";
import { planAnswer } from "../../../src/media/sdp/offer-answer.js";
import { renderDescription, type StreamResources } from "../../../src/media/sdp/render.js";
import { parseSessionDescription } from "../../../src/media/sdp/session-description.js";
import type { LocalCapabilities } from "../../../src/media/sdp/stream-plan.js";

export interface GoldenCase {
  readonly offer: string;
  readonly capabilities?: Partial<LocalCapabilities>;
  readonly hold?: boolean;
  readonly answer?: string[];
  readonly error?: { name: string; sipStatus: number; message: string };
}

export const DEFAULT_CAPABILITIES: LocalCapabilities = {
  opus: false,
  video: true,
  srtp: "optional",
  secureSignaling: false,
};

/** A fixed key per m-line: bytes index*30 .. index*30+29. */
function fixedKey(index: number) {
  const raw = Buffer.from(Array.from({ length: 30 }, (_, i) => (index * 30 + i) & 0xff));
  return { masterKey: raw.subarray(0, 16), masterSalt: raw.subarray(16) };
}

export function runGoldenCase(
  offerText: string,
  c: GoldenCase,
): { answer: string[] } | { error: { name: string; sipStatus: number; message: string } } {
  const caps = { ...DEFAULT_CAPABILITIES, ...c.capabilities };
  try {
    const offer = parseSessionDescription(offerText);
    const plans = planAnswer(offer, caps, { hold: c.hold ?? false, acceptVideo: true });
    const resources: (StreamResources | undefined)[] = plans.map((p, i) =>
      p.accepted
        ? {
            rtpPort: 30000 + 2 * i,
            ...(p.rtcpMux ? {} : { rtcpPort: 30001 + 2 * i }),
            ...(p.secure ? { key: fixedKey(i) } : {}),
          }
        : undefined,
    );
    const address = offer.origin.ipVer === 6 ? "::1" : "127.0.0.1";
    const text = renderDescription(
      { sessionId: "1000", sessionVersion: 1, address },
      plans,
      resources,
    );
    return { answer: text.split("\r\n").filter((l) => l !== "") };
  } catch (e) {
    if (e instanceof MediaError)
      return { error: { name: e.name, sipStatus: e.sipStatus, message: e.message } };
    throw e;
  }
}
