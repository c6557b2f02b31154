// Our availability and the availability of everyone we see (RFC 6121 §4), kept in one place:
// per contact, per resource, the latest presence. Outgoing available presence is decorated
// by feature modules (XEP-0115 caps, XEP-0152 reachability, application payloads).
import type { XmppConnection } from "./connection.js";
import { TypedEmitter } from "./emitter.js";
import { bareJid, normalJid, parseJid } from "./jid.js";
import type { XmppLogger } from "./log.js";
import {
  buildPresence,
  type OutgoingPresence,
  type PresenceShow,
  parsePresence,
  type ReceivedPresence,
} from "./protocol/presence.js";
import type { XmlElement } from "./xml.js";

export interface OwnPresence {
  readonly show?: PresenceShow;
  readonly status?: string;
  readonly priority?: number;
  readonly extensions?: readonly XmlElement[];
}

export interface PresenceUpdate {
  /** The contact's bare JID. */
  readonly contact: string;
  /** The resource that changed ("" for the bare JID, e.g. an error from the server). */
  readonly resource: string;
  /** The new presence; unavailable when the resource went offline. */
  readonly presence: ReceivedPresence;
}

export interface PresenceEvents {
  /** Availability of a contact's resource changed (including our own other resources). */
  update: [update: PresenceUpdate];
  /** Every available/unavailable presence as received, for feature modules (caps, reach). */
  received: [presence: ReceivedPresence, stanza: XmlElement];
}

/** Adds elements to every available presence we send (called at send time). */
export type PresenceDecorator = () => readonly XmlElement[];

export class PresenceBook {
  private readonly contacts = new Map<string, Map<string, ReceivedPresence>>();

  /** Applies a presence; returns the (bare, resource) it changed, or null if not availability. */
  apply(p: ReceivedPresence): { contact: string; resource: string } | null {
    const jid = parseJid(p.from);
    const contact = bareJid(p.from);
    if (!jid || !contact) return null;
    if (p.type === "available") {
      let resources = this.contacts.get(contact);
      if (!resources) {
        resources = new Map();
        this.contacts.set(contact, resources);
      }
      resources.set(jid.resource, p);
      return { contact, resource: jid.resource };
    }
    if (p.type === "unavailable" || p.type === "error") {
      const resources = this.contacts.get(contact);
      // RFC 6121 §4.5.3 / §8.5.2: unavailable or error from the bare JID ends all resources.
      if (jid.resource === "") this.contacts.delete(contact);
      else {
        resources?.delete(jid.resource);
        if (resources?.size === 0) this.contacts.delete(contact);
      }
      return { contact, resource: jid.resource };
    }
    return null;
  }

  /** Available resources of a contact, highest priority first. */
  resources(contact: string): { resource: string; presence: ReceivedPresence }[] {
    const bare = bareJid(contact);
    const resources = bare ? this.contacts.get(bare) : undefined;
    if (!resources) return [];
    return [...resources.entries()]
      .map(([resource, presence]) => ({ resource, presence }))
      .sort((a, b) => b.presence.priority - a.presence.priority);
  }

  isAvailable(contact: string): boolean {
    return this.resources(contact).length > 0;
  }

  /** Every contact with at least one available resource. */
  availableContacts(): string[] {
    return [...this.contacts.keys()];
  }

  clear(): void {
    this.contacts.clear();
  }
}

export class Presence {
  readonly events: TypedEmitter<PresenceEvents>;
  readonly book = new PresenceBook();
  private own: OwnPresence | null = null;
  private readonly decorators: PresenceDecorator[] = [];

  constructor(
    private readonly conn: XmppConnection,
    private readonly log: XmppLogger,
  ) {
    this.events = new TypedEmitter((err) => log.warn(`a presence listener threw: ${String(err)}`));
    conn.events.on("presence", (el) => this.onPresence(el));
    conn.events.on("session", (s) => {
      // A new session starts with nobody's presence known (RFC 6121 §4.2.2 probes refill it).
      if (!s.resumed) this.book.clear();
    });
  }

  addDecorator(decorator: PresenceDecorator): void {
    this.decorators.push(decorator);
  }

  /** Sets and broadcasts our availability (§4.2 initial presence, §4.4 updates). */
  set(own: OwnPresence): void {
    this.own = own;
    this.conn.send(this.buildOwn());
  }

  /** Re-sends our current presence (after a new session, or when a decoration changed). */
  rebroadcast(): void {
    if (this.own) this.conn.send(this.buildOwn());
  }

  get current(): OwnPresence | null {
    return this.own;
  }

  /**
   * Directed presence to one entity (§4.6): our current presence (with its decorations, e.g.
   * caps), or `presence` when given.
   */
  sendDirected(to: string, presence?: OutgoingPresence): void {
    if (presence) this.conn.send(buildPresence({ ...presence, to }));
    else {
      const own = this.buildOwn();
      own.attrs.to = to;
      this.conn.send(own);
    }
  }

  /** Goes unavailable (§4.5) while keeping the session. */
  setUnavailable(status?: string): void {
    this.own = null;
    this.conn.send(
      buildPresence({ type: "unavailable", ...(status !== undefined ? { status } : {}) }),
    );
  }

  private buildOwn(): XmlElement {
    const own = this.own ?? {};
    const extensions = [...(own.extensions ?? []), ...this.decorators.flatMap((d) => d())];
    return buildPresence({
      ...(own.show ? { show: own.show } : {}),
      ...(own.status !== undefined ? { status: own.status } : {}),
      ...(own.priority !== undefined ? { priority: own.priority } : {}),
      extensions,
    });
  }

  private onPresence(el: XmlElement): void {
    const warnings: string[] = [];
    const p = parsePresence(el, this.conn.domain, warnings);
    for (const w of warnings) this.log.warn(`presence from ${el.attrs.from ?? "the server"}: ${w}`);
    if (!p || !normalJid(p.from)) return;
    if (p.type !== "available" && p.type !== "unavailable" && p.type !== "error") return;
    const changed = this.book.apply(p);
    this.events.emit("received", p, el);
    if (changed) this.events.emit("update", { ...changed, presence: p });
  }
}
