// The <message/> stanza (RFC 6121 §5) with the extensions Duet reads and writes on it:
// XEP-0201 threads, XEP-0184 receipts, XEP-0359 ids, XEP-0203 delay. Every other child element
// is kept as an extension, so applications can carry their own payloads (Duet's <sip/>).
import { attr, detached, type XmlElement, xml } from "../xml.js";
import { type Delay, delayOf } from "./delay.js";
import { NS } from "./namespaces.js";
import { buildReceiptRequest, buildReceived, receiptIdOf } from "./receipts.js";
import { buildOriginId, type StanzaId, stanzaIdOf } from "./sid.js";
import { parseStanzaError, type StanzaErrorInfo } from "./stanza-error.js";
import { buildThread, type Thread, threadOf } from "./thread.js";

export type MessageType = "chat" | "normal" | "error" | "groupchat" | "headline";
const TYPES: readonly MessageType[] = ["chat", "normal", "error", "groupchat", "headline"];

export interface OutgoingMessage {
  readonly to: string;
  readonly type?: MessageType;
  readonly id?: string;
  readonly body?: string;
  readonly subject?: string;
  readonly thread?: Thread;
  /** Ask for a XEP-0184 receipt. */
  readonly requestReceipt?: boolean;
  /** This message is a XEP-0184 receipt for the message with this id. */
  readonly receiptFor?: string;
  /** XEP-0359 origin-id; defaults to the stanza id when building through Messaging. */
  readonly originId?: string;
  readonly extensions?: readonly XmlElement[];
}

export interface ReceivedMessage {
  readonly from: string;
  readonly to: string;
  readonly id?: string;
  readonly type: MessageType;
  readonly body?: string;
  readonly subject?: string;
  readonly thread?: Thread;
  readonly receiptRequested: boolean;
  readonly receiptFor?: string;
  readonly originId?: string;
  readonly stanzaIds: readonly StanzaId[];
  readonly delay?: Delay;
  readonly error?: StanzaErrorInfo;
  /** Child elements not listed above, as they came (namespaced payloads). */
  readonly extensions: readonly XmlElement[];
}

// Children this module interprets itself (by full name and namespace); anything else is an
// extension.
function isKnownChild(name: string, ns: string | undefined): boolean {
  if (ns === NS.client || ns === undefined || ns === "") {
    return name === "body" || name === "subject" || name === "thread" || name === "error";
  }
  if (ns === NS.receipts) return name === "request" || name === "received";
  if (ns === NS.sid) return name === "origin-id" || name === "stanza-id";
  if (ns === NS.delay) return name === "delay";
  return false;
}

export function buildMessage(m: OutgoingMessage): XmlElement {
  const requestReceipt = m.requestReceipt && m.id !== undefined && m.type !== "error";
  return xml(
    "message",
    { to: m.to, type: m.type ?? "chat", id: m.id },
    m.subject !== undefined ? xml("subject", {}, m.subject) : null,
    m.body !== undefined ? xml("body", {}, m.body) : null,
    m.thread ? buildThread(m.thread) : null,
    requestReceipt ? buildReceiptRequest() : null,
    m.receiptFor !== undefined ? buildReceived(m.receiptFor) : null,
    m.originId !== undefined ? buildOriginId(m.originId) : null,
    ...(m.extensions ?? []).map(detached),
  );
}

/**
 * Reads a message stanza. `fallbackFrom`/`fallbackTo` stand in for absent addresses (RFC 6120
 * §8.1.2: no 'from' means the user's own server). Unknown message types are treated as
 * "normal" (RFC 6121 §5.2.2). Never throws.
 *
 * Every message goes through here, so the children are looked at in one pass (each name and
 * namespace worked out once). Where a kind of child appears twice, the first one counts, and
 * <body/>, <subject/> and <thread/> are recognised by local name in any namespace, as ltx's
 * getChild would find them.
 */
export function parseMessage(
  el: XmlElement,
  fallbackFrom: string,
  fallbackTo: string,
): ReceivedMessage {
  const rawType = attr(el, "type");
  const type = TYPES.includes(rawType as MessageType) ? (rawType as MessageType) : "normal";
  let bodyEl: XmlElement | undefined;
  let subjectEl: XmlElement | undefined;
  let threadEl: XmlElement | undefined;
  let receivedEl: XmlElement | undefined;
  let originIdEl: XmlElement | undefined;
  let delayEl: XmlElement | undefined;
  let receiptRequested = false;
  const stanzaIds: StanzaId[] = [];
  const extensions: XmlElement[] = [];
  for (const child of el.children) {
    if (typeof child !== "object") continue;
    const name = child.getName();
    const ns = child.getNS();
    if (name === "body") bodyEl ??= child;
    else if (name === "subject") subjectEl ??= child;
    else if (name === "thread") threadEl ??= child;
    if (ns === NS.receipts) {
      if (name === "request") receiptRequested = true;
      else if (name === "received") receivedEl ??= child;
    } else if (ns === NS.sid) {
      if (name === "origin-id") originIdEl ??= child;
      else if (name === "stanza-id") {
        const stanzaId = stanzaIdOf(child);
        if (stanzaId) stanzaIds.push(stanzaId);
      }
    } else if (ns === NS.delay && name === "delay") delayEl ??= child;
    if (!isKnownChild(child.name, ns)) extensions.push(child);
  }
  const thread = threadEl ? threadOf(threadEl) : undefined;
  const receiptFor = receivedEl ? receiptIdOf(receivedEl, el) : undefined;
  const originId = originIdEl ? attr(originIdEl, "id") : undefined;
  const delay = delayEl ? delayOf(delayEl) : undefined;
  const error = type === "error" ? (parseStanzaError(el) ?? undefined) : undefined;
  const id = attr(el, "id");
  // Optional fields are left out rather than set to undefined, as callers compare structures.
  const message: Mutable<ReceivedMessage> = {
    from: attr(el, "from") ?? fallbackFrom,
    to: attr(el, "to") ?? fallbackTo,
    type,
    receiptRequested,
    stanzaIds,
    extensions,
  };
  if (id !== undefined) message.id = id;
  if (bodyEl) message.body = bodyEl.getText();
  if (subjectEl) message.subject = subjectEl.getText();
  if (thread) message.thread = thread;
  if (receiptFor !== undefined) message.receiptFor = receiptFor;
  if (originId !== undefined) message.originId = originId;
  if (delay) message.delay = delay;
  if (error) message.error = error;
  return message;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
