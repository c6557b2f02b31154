// The <presence/> stanza, RFC 6121 §4 (availability) and §3 (subscriptions). Children other
// than show/status/priority/error are kept as extensions (caps, Duet's payloads, …).
import { attr, detached, type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";
import { parseStanzaError, type StanzaErrorInfo } from "./stanza-error.js";

export type PresenceType =
  | "available"
  | "unavailable"
  | "subscribe"
  | "subscribed"
  | "unsubscribe"
  | "unsubscribed"
  | "probe"
  | "error";
const TYPES: readonly PresenceType[] = [
  "available",
  "unavailable",
  "subscribe",
  "subscribed",
  "unsubscribe",
  "unsubscribed",
  "probe",
  "error",
];

/** RFC 6121 §4.7.2.1: absent <show/> means plainly available. */
export type PresenceShow = "away" | "chat" | "dnd" | "xa";
const SHOWS: readonly PresenceShow[] = ["away", "chat", "dnd", "xa"];

export interface OutgoingPresence {
  readonly to?: string;
  readonly type?: PresenceType;
  readonly show?: PresenceShow;
  readonly status?: string;
  /** −128…127 (§4.7.2.3). */
  readonly priority?: number;
  readonly extensions?: readonly XmlElement[];
}

export interface ReceivedPresence {
  readonly from: string;
  readonly type: PresenceType;
  readonly show?: PresenceShow;
  readonly status?: string;
  readonly priority: number;
  readonly error?: StanzaErrorInfo;
  readonly extensions: readonly XmlElement[];
}

/** Why a presence element was read only partly: each entry a field ignored and why. */
export type PresenceWarnings = string[];

export function buildPresence(p: OutgoingPresence): XmlElement {
  if (
    p.priority !== undefined &&
    (!Number.isInteger(p.priority) || p.priority < -128 || p.priority > 127)
  ) {
    throw new RangeError(
      `presence priority ${p.priority} is not an integer in −128…127 (RFC 6121 §4.7.2.3)`,
    );
  }
  return xml(
    "presence",
    { to: p.to, type: p.type === "available" ? undefined : p.type },
    p.show ? xml("show", {}, p.show) : null,
    p.status !== undefined ? xml("status", {}, p.status) : null,
    p.priority !== undefined ? xml("priority", {}, String(p.priority)) : null,
    ...(p.extensions ?? []).map(detached),
  );
}

function isKnownChild(el: XmlElement): boolean {
  const ns = el.getNS();
  return (ns === NS.client || !ns) && ["show", "status", "priority", "error"].includes(el.name);
}

/**
 * Reads a presence stanza, liberally: an unknown type makes it null (RFC 6121 §4.7.1 says to
 * ignore it), a bad show or priority is dropped and reported in `warnings`.
 */
export function parsePresence(
  el: XmlElement,
  fallbackFrom: string,
  warnings: PresenceWarnings = [],
): ReceivedPresence | null {
  const rawType = attr(el, "type") ?? "available";
  if (!TYPES.includes(rawType as PresenceType)) {
    warnings.push(`unknown presence type "${rawType}"`);
    return null;
  }
  const type = rawType as PresenceType;
  const rawShow = el.getChildText("show")?.trim();
  let show: PresenceShow | undefined;
  if (rawShow !== undefined && rawShow !== "") {
    if (SHOWS.includes(rawShow as PresenceShow)) show = rawShow as PresenceShow;
    else warnings.push(`unknown <show/> value "${rawShow}" ignored`);
  }
  const rawPriority = el.getChildText("priority")?.trim();
  let priority = 0;
  if (rawPriority !== undefined) {
    const n = Number(rawPriority);
    if (/^[+-]?\d+$/.test(rawPriority) && n >= -128 && n <= 127) priority = n;
    else warnings.push(`<priority/> "${rawPriority}" is not an integer in −128…127; using 0`);
  }
  const status = el.getChildText("status") ?? undefined;
  const error = type === "error" ? (parseStanzaError(el) ?? undefined) : undefined;
  return {
    from: attr(el, "from") ?? fallbackFrom,
    type,
    priority,
    extensions: el.getChildElements().filter((c) => !isKnownChild(c)),
    ...(show ? { show } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(error ? { error } : {}),
  };
}
