// Conversation threads, RFC 6121 §5.2.5 with XEP-0201's best practices: a thread id is an
// opaque unique string, and a sub-thread names its parent.
import { attr, type XmlElement, xml } from "../xml.js";

export interface Thread {
  readonly id: string;
  readonly parent?: string;
}

export function buildThread(thread: Thread): XmlElement {
  return xml("thread", { parent: thread.parent }, thread.id);
}

/** The thread of a message, if it has a non-empty one. */
export function parseThread(message: XmlElement): Thread | undefined {
  const el = message.getChild("thread");
  return el ? threadOf(el) : undefined;
}

/** The thread a <thread/> element names, if it is not empty. */
export function threadOf(el: XmlElement): Thread | undefined {
  const id = el.text().trim();
  if (!id) return undefined;
  const parent = attr(el, "parent");
  return parent ? { id, parent } : { id };
}

/** A new thread id: XEP-0201 §3 wants it globally unique, so a UUID. */
export function newThreadId(): string {
  return globalThis.crypto.randomUUID();
}
