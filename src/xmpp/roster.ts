// The roster (RFC 6121 §2): fetched at session start, kept current by roster pushes, changed
// with set/remove. Pushes are accepted only from our own account (§2.1.6), so another entity
// cannot plant contacts.
import type { XmppConnection } from "./connection.js";
import { TypedEmitter } from "./emitter.js";
import { bareJid } from "./jid.js";
import type { XmppLogger } from "./log.js";
import { NS } from "./protocol/namespaces.js";
import {
  buildRosterGet,
  buildRosterRemove,
  buildRosterSet,
  parseRosterQuery,
  type RosterChange,
  type RosterItem,
  type RosterItemUpdate,
} from "./protocol/roster.js";

export interface RosterEvents {
  /** The whole roster was (re)loaded. */
  loaded: [items: readonly RosterItem[]];
  /** One change pushed by the server (ours or from another resource of the account). */
  push: [change: RosterChange];
}

export class Roster {
  readonly events: TypedEmitter<RosterEvents>;
  private readonly items = new Map<string, RosterItem>();
  private version: string | undefined;

  constructor(
    private readonly conn: XmppConnection,
    private readonly log: XmppLogger,
  ) {
    this.events = new TypedEmitter((err) => log.warn(`a roster listener threw: ${String(err)}`));
    conn.handleIq("set", NS.roster, "query", (query, from) => {
      // §2.1.6: a push is legitimate only without 'from' or from our bare JID.
      if (from !== undefined && bareJid(from) !== bareJid(conn.bareJid)) {
        log.warn(
          `ignored a roster push from ${from}: only our own account may push (RFC 6121 §2.1.6)`,
        );
        return { error: { type: "cancel", condition: "service-unavailable" } };
      }
      const warnings: string[] = [];
      const parsed = parseRosterQuery(query, warnings);
      for (const w of warnings) log.warn(`roster push: ${w}`);
      // §2.1.6: a push carries exactly one item.
      if (parsed.changes.length !== 1) {
        log.warn(
          `ignored a roster push with ${parsed.changes.length} items (RFC 6121 §2.1.6 wants one)`,
        );
        return { error: { type: "modify", condition: "bad-request" } };
      }
      if (parsed.ver !== undefined) this.version = parsed.ver;
      this.apply(parsed.changes[0]!);
      return { result: null };
    });
  }

  /** Loads the roster from the server (§2.1.3). */
  async fetch(): Promise<readonly RosterItem[]> {
    const result = await this.conn.request(buildRosterGet(), "roster get");
    const query = result.getChild("query", NS.roster);
    // §2.6.3: an empty result with versioning means "unchanged"; we did not send a version.
    if (query) {
      const warnings: string[] = [];
      const parsed = parseRosterQuery(query, warnings);
      for (const w of warnings) this.log.warn(`roster: ${w}`);
      this.items.clear();
      for (const c of parsed.changes) if (c.kind === "item") this.items.set(c.item.jid, c.item);
      this.version = parsed.ver;
    }
    const all = this.list();
    this.events.emit("loaded", all);
    return all;
  }

  list(): RosterItem[] {
    return [...this.items.values()];
  }

  get(jid: string): RosterItem | undefined {
    const bare = bareJid(jid);
    return bare ? this.items.get(bare) : undefined;
  }

  get ver(): string | undefined {
    return this.version;
  }

  /** Adds or updates a contact (§2.3); the change comes back as a push. */
  async set(update: RosterItemUpdate): Promise<void> {
    await this.conn.request(buildRosterSet(update), `roster set of ${update.jid}`);
  }

  /** Removes a contact and cancels subscriptions both ways (§2.5). */
  async remove(jid: string): Promise<void> {
    await this.conn.request(buildRosterRemove(jid), `roster remove of ${jid}`);
  }

  private apply(change: RosterChange): void {
    if (change.kind === "remove") this.items.delete(change.jid);
    else this.items.set(change.item.jid, change.item);
    this.events.emit("push", change);
  }
}
