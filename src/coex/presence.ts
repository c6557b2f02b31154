// REQ-3 presence composition (PROFILE.md §2): from the user's own chosen state and the calls
// in progress, what the endpoint publishes. Pure: the endpoint calls it whenever either
// changes, so "restore the user's state when the last call ends" is simply composing again
// with no calls, and an explicit away/dnd/xa is never touched because it is an input.

import type { Media } from "./wire/media.js";
import type { CallState, PhoneActivity, PresenceSip } from "./wire/presence-payload.js";

/** The user's own availability (RFC 6121 §4.7.2.1 <show>; undefined = plain available). */
export type Show = "away" | "chat" | "dnd" | "xa";

export interface OwnState {
  readonly show?: Show;
  readonly status?: string;
}

export interface CallActivity {
  readonly state: "ringing" | "active";
  readonly media: readonly Media[];
}

export interface SelfSip {
  /** The device's SIP address: pub-gruu when the registrar gave one, else the AOR (§1). */
  readonly uri: string;
  /** The AOR, listed in XEP-0152 <reach/>. */
  readonly aor: string;
  /** What the device can do. */
  readonly media: readonly Media[];
}

export interface ComposedPresence {
  readonly show?: Show;
  readonly status?: string;
  readonly sip: PresenceSip;
  readonly reach: readonly string[];
  /** XEP-0108 activity to publish over PEP; undefined means publish the empty (clearing) one. */
  readonly activity?: PhoneActivity;
}

export const ON_THE_PHONE_STATUS = "On the phone";

export function callStateOf(calls: readonly CallActivity[]): CallState {
  if (calls.some((c) => c.state === "active")) return "busy";
  if (calls.some((c) => c.state === "ringing")) return "ringing";
  return "idle";
}

export function composePresence(
  own: OwnState,
  calls: readonly CallActivity[],
  self: SelfSip,
): ComposedPresence {
  const call = callStateOf(calls);
  const sip: PresenceSip = { uri: self.uri, media: self.media, call };
  const base = {
    sip,
    reach: [self.aor],
    ...(own.show !== undefined ? { show: own.show } : {}),
    ...(own.status !== undefined ? { status: own.status } : {}),
  };
  // "Up" means established: a ringing phone is not yet a conversation to protect.
  if (call !== "busy") return base;
  const video = calls.some((c) => c.state === "active" && c.media.includes("video"));
  const activity: PhoneActivity = video ? "on_video_phone" : "on_the_phone";
  // The show/status fallback is for separated clients that know no <sip/> or PEP; it only
  // replaces plain available, never a state the user chose (§2).
  if (own.show === undefined) {
    return { ...base, show: "dnd", status: ON_THE_PHONE_STATUS, activity };
  }
  return { ...base, activity };
}
