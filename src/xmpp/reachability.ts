// XEP-0152 Reachability Addresses: other addresses (e.g. our SIP URI) announced in presence
// (§4.1) and over PEP (§4.2), and those of our contacts as last seen.

import { TypedEmitter } from "./emitter.js";
import { bareJid, normalJid } from "./jid.js";
import type { XmppLogger } from "./log.js";
import type { Pep } from "./pep.js";
import type { Presence } from "./presence.js";
import {
  buildReach,
  findReach,
  parseReach,
  REACH_NODE,
  type ReachAddress,
} from "./protocol/reachability.js";

export interface ReachEvent {
  /** Full JID for presence-borne addresses, bare JID for PEP-borne ones. */
  readonly from: string;
  readonly addresses: readonly ReachAddress[];
  readonly via: "presence" | "pep";
}

export class Reachability {
  readonly events: TypedEmitter<{ reach: [event: ReachEvent] }>;
  private own: readonly ReachAddress[] = [];
  private readonly known = new Map<string, readonly ReachAddress[]>();

  constructor(
    private readonly presence: Presence,
    private readonly pep: Pep,
    log: XmppLogger,
  ) {
    this.events = new TypedEmitter((err) =>
      log.warn(`a reachability listener threw: ${String(err)}`),
    );
    presence.addDecorator(() => (this.own.length > 0 ? [buildReach(this.own)] : []));
    pep.subscribe(REACH_NODE);
    presence.events.on("received", (p, stanza) => {
      const from = normalJid(p.from);
      if (!from) return;
      const reach = findReach(stanza);
      if (p.type !== "available") {
        this.known.delete(from);
        return;
      }
      if (!reach) return;
      const addresses = parseReach(reach);
      this.known.set(from, addresses);
      this.events.emit("reach", { from, addresses, via: "presence" });
    });
    pep.events.on("notification", (n) => {
      if (n.node !== REACH_NODE) return;
      const payload = n.items[0]?.payload;
      const reach = payload ? findReach(payload) : undefined;
      const addresses = reach ? parseReach(reach) : [];
      this.known.set(n.from, addresses);
      this.events.emit("reach", { from: n.from, addresses, via: "pep" });
    });
  }

  /** Sets our addresses: sent with our presence and published over PEP. */
  async announce(addresses: readonly ReachAddress[]): Promise<void> {
    this.own = addresses;
    this.presence.rebroadcast();
    await this.pep.publish(REACH_NODE, buildReach(addresses));
  }

  /** The addresses a contact (full or bare JID) last announced. */
  addressesOf(jid: string): readonly ReachAddress[] {
    const full = normalJid(jid);
    const bare = bareJid(jid);
    return (full && this.known.get(full)) || (bare && this.known.get(bare)) || [];
  }
}
