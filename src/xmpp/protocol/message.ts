// The <message/> stanza (RFC 6121 §5) with the extensions Duet reads and writes on it:
// XEP-0201 threads, XEP-0184 receipts, XEP-0359 ids, XEP-0203 delay. Every other child element
// is kept as an extension, so applications can carry their own payloads (Duet's <sip/>).
import { attr, detached, type XmlElement, xml } from "../xml.js";
import { type Delay, parseDelay } from "./delay.js";
import { NS } from "./namespaces.js";
import {
  buildReceiptRequest,
  buildReceived,
  hasReceiptRequest,
  parseReceived,
} from "./receipts.js";
import { buildOriginId, parseOriginId, parseStanzaIds, type StanzaId } from "./sid.js";
import { parseStanzaError, type StanzaErrorInfo } from "./stanza-error.js";
import { buildThread, parseThread, type Thread } from "./thread.js";

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

// Children this module interprets itself; anything else is an extension.
function isKnownChild(el: XmlElement): boolean {
  const ns = el.getNS();
  if (ns === NS.client || ns === undefined || ns === "") {
    return ["body", "subject", "thread", "error"].includes(el.name);
  }
  if (ns === NS.receipts) return el.name === "request" || el.name === "received";
  if (ns === NS.sid) return el.name === "origin-id" || el.name === "stanza-id";
  if (ns === NS.delay) return el.name === "delay";
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
 */
export function parseMessage(
  el: XmlElement,
  fallbackFrom: string,
  fallbackTo: string,
): ReceivedMessage {
  const rawType = attr(el, "type");
  const type = TYPES.includes(rawType as MessageType) ? (rawType as MessageType) : "normal";
  const body = el.getChildText("body") ?? undefined;
  const subject = el.getChildText("subject") ?? undefined;
  const thread = parseThread(el);
  const receiptFor = parseReceived(el);
  const originId = parseOriginId(el);
  const delay = parseDelay(el);
  const error = type === "error" ? (parseStanzaError(el) ?? undefined) : undefined;
  const id = attr(el, "id");
  return {
    from: attr(el, "from") ?? fallbackFrom,
    to: attr(el, "to") ?? fallbackTo,
    type,
    receiptRequested: hasReceiptRequest(el),
    stanzaIds: parseStanzaIds(el),
    extensions: el.getChildElements().filter((c) => !isKnownChild(c)),
    ...(id !== undefined ? { id } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(thread ? { thread } : {}),
    ...(receiptFor !== undefined ? { receiptFor } : {}),
    ...(originId !== undefined ? { originId } : {}),
    ...(delay ? { delay } : {}),
    ...(error ? { error } : {}),
  };
}
