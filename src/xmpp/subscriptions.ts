// The presence subscription handshake, RFC 6121 §3: requests, approvals, cancellations and
// pre-approval (§3.4), as presence stanzas of the subscription types.
import type { XmppConnection } from "./connection.js";
import { TypedEmitter } from "./emitter.js";
import { bareJid } from "./jid.js";
import type { XmppLogger } from "./log.js";
import { buildPresence, type PresenceType } from "./protocol/presence.js";
import type { XmlElement } from "./xml.js";

type SubscriptionType = Extract<
  PresenceType,
  "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed"
>;
const TYPES: readonly SubscriptionType[] = [
  "subscribe",
  "subscribed",
  "unsubscribe",
  "unsubscribed",
];

export interface SubscriptionEvent {
  /** The contact's bare JID (§3.1.3: subscription requests are addressed by bare JID). */
  readonly from: string;
  readonly type: SubscriptionType;
  /** Payloads of the request (e.g. a nickname, XEP-0172), as received. */
  readonly extensions: readonly XmlElement[];
  /** The <status/> text of a request, if any. */
  readonly status?: string;
}

export interface SubscriptionEvents {
  /**
   * subscribe: someone asks to see our presence (answer with approve/deny);
   * subscribed / unsubscribed: our request was approved / denied or a subscription cancelled;
   * unsubscribe: a contact stopped watching our presence.
   */
  subscription: [event: SubscriptionEvent];
}

export class Subscriptions {
  readonly events: TypedEmitter<SubscriptionEvents>;

  constructor(
    private readonly conn: XmppConnection,
    log: XmppLogger,
  ) {
    this.events = new TypedEmitter((err) =>
      log.warn(`a subscription listener threw: ${String(err)}`),
    );
    conn.events.on("presence", (el) => {
      const type = el.attrs.type as SubscriptionType;
      if (!TYPES.includes(type)) return;
      const from = bareJid(el.attrs.from);
      if (!from) return;
      const status = el.getChildText("status") ?? undefined;
      this.events.emit("subscription", {
        from,
        type,
        extensions: el.getChildElements().filter((c) => c.name !== "status"),
        ...(status !== undefined ? { status } : {}),
      });
    });
  }

  /** Asks to see `jid`'s presence (§3.1.1). */
  request(jid: string, status?: string): void {
    this.sendType(jid, "subscribe", status);
  }

  /** Lets `jid` see our presence: approves a request, or pre-approves one to come (§3.1.4, §3.4). */
  approve(jid: string): void {
    this.sendType(jid, "subscribed");
  }

  /** Declines a request, or revokes `jid`'s subscription to us (§3.2.1). */
  deny(jid: string): void {
    this.sendType(jid, "unsubscribed");
  }

  /** Stops seeing `jid`'s presence (§3.3.1). */
  unsubscribe(jid: string): void {
    this.sendType(jid, "unsubscribe");
  }

  private sendType(jid: string, type: SubscriptionType, status?: string): void {
    const bare = bareJid(jid);
    if (!bare) throw new RangeError(`"${jid}" is not a JID`);
    this.conn.send(buildPresence({ to: bare, type, ...(status !== undefined ? { status } : {}) }));
  }
}
