// What an integrated endpoint adds to its presence (PROFILE.md §2, REQ-3):
//   <reach xmlns='urn:xmpp:reach:0'><addr uri='sip:…'/></reach>        XEP-0152, the AOR
//   <sip xmlns=NS uri='GRUU' media='audio video' call='idle|ringing|busy'/>
// and, over PEP, XEP-0108 User Activity talking/on_the_phone (on_video_phone with video).
// Disco#info features (XEP-0030) NS, NS#audio, NS#video say what the device can do.
// No token is ever written here: presence is broadcast to every subscriber (§2, §6).

import { tryParseSipAor } from "../identity.js";
import { ACTIVITY_NS, NS, NS_AUDIO, NS_VIDEO, REACH_NS } from "../namespace.js";
import { type Media, parseMediaList, serializeMediaList } from "./media.js";
import { childElements, element, namespaceOf, type XmlElement } from "./xml.js";

export type CallState = "idle" | "ringing" | "busy";
const CALL_STATES: readonly CallState[] = ["idle", "ringing", "busy"];

export interface PresenceSip {
  readonly uri: string;
  readonly media: readonly Media[];
  readonly call: CallState;
}

export interface ReadPresenceSip {
  readonly uri?: string;
  readonly media: readonly Media[];
  readonly call?: CallState;
}

export function presenceSipElement(p: PresenceSip): XmlElement {
  // Only the attributes defined for presence; the element type has no room for a token.
  return element("sip", {
    xmlns: NS,
    uri: p.uri,
    media: serializeMediaList(p.media),
    call: p.call,
  });
}

export function readPresenceSip(el: XmlElement, inheritedNs = ""): ReadPresenceSip | undefined {
  if (el.name !== "sip" || namespaceOf(el, inheritedNs) !== NS) return undefined;
  const uri = el.attrs.uri?.trim();
  const call = el.attrs.call?.trim().toLowerCase() as CallState | undefined;
  const out: { uri?: string; media: Media[]; call?: CallState } = {
    media: parseMediaList(el.attrs.media),
  };
  if (uri && tryParseSipAor(uri)) out.uri = uri;
  if (call && CALL_STATES.includes(call)) out.call = call;
  return out;
}

export function reachElement(uris: readonly string[]): XmlElement {
  return element(
    "reach",
    { xmlns: REACH_NS },
    uris.map((uri) => element("addr", { uri })),
  );
}

/** The SIP addresses listed in a XEP-0152 <reach/> element (other schemes ignored). */
export function readReach(el: XmlElement, inheritedNs = ""): string[] | undefined {
  if (el.name !== "reach" || namespaceOf(el, inheritedNs) !== REACH_NS) return undefined;
  return childElements(el)
    .filter((c) => c.name === "addr" && typeof c.attrs.uri === "string")
    .map((c) => c.attrs.uri!.trim())
    .filter((u) => tryParseSipAor(u) !== undefined);
}

export type PhoneActivity = "on_the_phone" | "on_video_phone";

/**
 * XEP-0108 §2: the general activity "talking" with the specific one. Without an activity the
 * element is empty, which is how a publisher clears it (XEP-0108 §3).
 */
export function activityElement(activity: PhoneActivity | undefined): XmlElement {
  if (!activity) return element("activity", { xmlns: ACTIVITY_NS });
  return element("activity", { xmlns: ACTIVITY_NS }, [element("talking", {}, [element(activity)])]);
}

export function readActivity(el: XmlElement): PhoneActivity | undefined {
  if (el.name !== "activity" || namespaceOf(el) !== ACTIVITY_NS) return undefined;
  const talking = childElements(el).find((c) => c.name === "talking");
  const specific = talking && childElements(talking)[0]?.name;
  return specific === "on_the_phone" || specific === "on_video_phone" ? specific : undefined;
}

/** Disco#info features (XEP-0030) for a device that can do `media`. */
export function discoFeatures(media: readonly Media[]): string[] {
  const out = [NS];
  if (media.includes("audio")) out.push(NS_AUDIO);
  if (media.includes("video")) out.push(NS_VIDEO);
  return out;
}

export interface PeerCapabilities {
  /** The peer speaks this profile. */
  readonly integrated: boolean;
  readonly media: readonly Media[];
}

export function capabilitiesFromFeatures(features: readonly string[]): PeerCapabilities {
  const set = new Set(features);
  const media: Media[] = [];
  if (set.has(NS_AUDIO)) media.push("audio");
  if (set.has(NS_VIDEO)) media.push("video");
  return { integrated: set.has(NS), media };
}
