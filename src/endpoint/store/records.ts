// What the store hands back, and the mapping between those records and table rows. Kept apart
// from the store's behaviour so that the row format is in one place.

import type {
  Binding,
  BindingLevel,
  CallRecord,
  Conversation,
  CorrelationReason,
  Media,
  MessageRecord,
  PeerIdentities,
} from "../../coex/index.js";
import type { Param, Row } from "./database.js";
import { StoreError } from "./errors.js";

/**
 * Where a message is on its way. Incoming: `received` (committed, not yet confirmed shown to
 * anyone) then `shown`. Outgoing: `held` (waiting for a verified binding, PROFILE.md §3.3),
 * `released` (sent after the binding was verified) or `sent` (sent at once).
 */
export type DeliveryState = "received" | "shown" | "held" | "released" | "sent";

export interface StoredConversation {
  readonly id: string;
  readonly thread: string;
  readonly createdAt: number;
  readonly lastActivity: number;
  readonly peer: PeerIdentities;
  readonly binding: Binding;
}

export interface StoredMessage {
  readonly id: string;
  readonly conversation: string;
  readonly direction: "in" | "out";
  readonly text: string;
  /** Wall-clock ms when it arrived or was written. */
  readonly at: number;
  readonly state: DeliveryState;
  readonly shownAt?: number;
}

export interface StoredCall {
  readonly id: string;
  readonly conversation: string;
  readonly direction: CallRecord["direction"];
  readonly state: CallRecord["state"];
  readonly endReason?: string;
  readonly media: Media[];
  readonly peerSip: string;
  readonly localSession: string;
  readonly remoteSession: string;
  readonly correlation: { readonly level: BindingLevel; readonly reason: CorrelationReason };
  readonly startedAt: number;
  readonly answeredAt?: number;
  readonly endedAt?: number;
}

function text(row: Row, key: string): string {
  const v = row[key];
  return typeof v === "string" ? v : String(v ?? "");
}
function optText(row: Row, key: string): string | undefined {
  const v = row[key];
  return typeof v === "string" ? v : undefined;
}
function num(row: Row, key: string): number {
  return Number(row[key] ?? 0);
}
function optNum(row: Row, key: string): number | undefined {
  const v = row[key];
  return v === null || v === undefined ? undefined : Number(v);
}
function media(row: Row, key: string): Media[] {
  return text(row, key)
    .split(" ")
    .filter((m): m is Media => m === "audio" || m === "video");
}

export function conversationParams(c: Conversation): Param[] {
  const p = c.peer;
  return [
    c.id,
    c.thread,
    c.createdAt,
    c.lastActivity,
    p.jid ?? null,
    p.fullJid ?? null,
    p.jidSource ?? null,
    p.sip ?? null,
    p.sipSource ?? null,
    p.sipContact ?? null,
    (p.media ?? []).join(" "),
    c.binding.level,
    c.binding.reason,
    c.binding.since,
  ];
}

export const CONVERSATION_COLUMNS =
  "id, thread, created_at, last_activity, peer_jid, peer_full_jid, peer_jid_source, peer_sip, peer_sip_source, peer_sip_contact, peer_media, binding_level, binding_reason, binding_since";

export function conversationFromRow(row: Row): StoredConversation {
  const peer: PeerIdentities = {};
  const jid = optText(row, "peer_jid");
  if (jid !== undefined) peer.jid = jid;
  const fullJid = optText(row, "peer_full_jid");
  if (fullJid !== undefined) peer.fullJid = fullJid;
  const jidSource = optText(row, "peer_jid_source");
  if (jidSource !== undefined) peer.jidSource = jidSource as PeerIdentities["jidSource"];
  const sip = optText(row, "peer_sip");
  if (sip !== undefined) peer.sip = sip;
  const sipSource = optText(row, "peer_sip_source");
  if (sipSource !== undefined) peer.sipSource = sipSource as PeerIdentities["sipSource"];
  const sipContact = optText(row, "peer_sip_contact");
  if (sipContact !== undefined) peer.sipContact = sipContact;
  const m = media(row, "peer_media");
  if (m.length > 0) peer.media = m;
  return {
    id: text(row, "id"),
    thread: text(row, "thread"),
    createdAt: num(row, "created_at"),
    lastActivity: num(row, "last_activity"),
    peer,
    binding: {
      level: text(row, "binding_level") as BindingLevel,
      reason: text(row, "binding_reason") as CorrelationReason,
      since: num(row, "binding_since"),
    },
  };
}

export function messageFromRow(row: Row): StoredMessage {
  const shownAt = optNum(row, "shown_at");
  return {
    id: text(row, "id"),
    conversation: text(row, "conversation"),
    direction: text(row, "direction") === "in" ? "in" : "out",
    text: text(row, "body"),
    at: num(row, "at"),
    state: text(row, "state") as DeliveryState,
    ...(shownAt !== undefined ? { shownAt } : {}),
  };
}

/** The engine's view of a stored message: it knows received, held and sent only. */
export function toMessageRecord(m: StoredMessage): MessageRecord {
  const state =
    m.state === "shown" || m.state === "received"
      ? "received"
      : m.state === "held"
        ? "held"
        : "sent";
  return { id: m.id, direction: m.direction, text: m.text, at: m.at, state };
}

/** The delivery state a message the engine reports starts from in the store. */
export function deliveryOf(m: MessageRecord): DeliveryState {
  if (m.direction === "in") return "received";
  return m.state === "held" ? "held" : "sent";
}

export function checkMessage(path: string, m: MessageRecord, direction: "in" | "out"): void {
  if (m.direction !== direction || typeof m.id !== "string" || m.id === "") {
    throw new StoreError(
      "invalid-record",
      path,
      `message ${JSON.stringify(m.id)} has direction ${JSON.stringify(m.direction)}, expected ${direction}`,
      direction === "in"
        ? "record what arrives with recordIncoming and what the user sends with recordOutgoing"
        : "record what the user sends with recordOutgoing and what arrives with recordIncoming",
    );
  }
}

export const CALL_COLUMNS =
  "id, conversation, direction, state, end_reason, media, peer_sip, local_session, remote_session, correlation_level, correlation_reason, started_at, answered_at, ended_at";

export function callParams(conversation: string, k: CallRecord): Param[] {
  return [
    k.id,
    conversation,
    k.direction,
    k.state,
    k.endReason ?? null,
    k.media.join(" "),
    k.peerSip,
    k.localSession,
    k.remoteSession,
    k.correlation.level,
    k.correlation.reason,
    k.startedAt,
    k.answeredAt ?? null,
    k.endedAt ?? null,
  ];
}

export function callFromRow(row: Row): StoredCall {
  const endReason = optText(row, "end_reason");
  const answeredAt = optNum(row, "answered_at");
  const endedAt = optNum(row, "ended_at");
  return {
    id: text(row, "id"),
    conversation: text(row, "conversation"),
    direction: text(row, "direction") === "incoming" ? "incoming" : "outgoing",
    state: text(row, "state") as CallRecord["state"],
    ...(endReason !== undefined ? { endReason } : {}),
    media: media(row, "media"),
    peerSip: text(row, "peer_sip"),
    localSession: text(row, "local_session"),
    remoteSession: text(row, "remote_session"),
    correlation: {
      level: text(row, "correlation_level") as BindingLevel,
      reason: text(row, "correlation_reason") as CorrelationReason,
    },
    startedAt: num(row, "started_at"),
    ...(answeredAt !== undefined ? { answeredAt } : {}),
    ...(endedAt !== undefined ? { endedAt } : {}),
  };
}

/** A call known only from the history table (its tokens are not kept there). */
export function toCallRecord(k: StoredCall): CallRecord {
  return {
    id: k.id,
    direction: k.direction,
    state: k.state,
    ...(k.endReason !== undefined ? { endReason: k.endReason } : {}),
    media: [...k.media],
    peerSip: k.peerSip,
    localSession: k.localSession,
    remoteSession: k.remoteSession,
    correlation: { ...k.correlation },
    startedAt: k.startedAt,
    ...(k.answeredAt !== undefined ? { answeredAt: k.answeredAt } : {}),
    ...(k.endedAt !== undefined ? { endedAt: k.endedAt } : {}),
  };
}
