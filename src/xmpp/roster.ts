// The roster (RFC 6121 §2): fetched at session start, kept current by roster pushes, changed
// with set/remove. Pushes are accepted only from our own account (§2.1.6), so another entity
// cannot plant contacts. With roster versioning (§2.6) the roster and its version are kept
// across sessions (and, through snapshot()/restore(), across restarts), and a server that
// finds the version current answers the roster get with an empty result instead of the roster.
import type { XmppConnection } from "./connection.js";
import { TypedEmitter } from "./emitter.js";
import { bareJid, normalJid } from "./jid.js";
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

/** A roster and the version it is at (RFC 6121 §2.6), as an application may store it. */
export interface RosterSnapshot {
  readonly ver: string;
  readonly items: readonly RosterItem[];
}

/** How a roster get was answered. */
export interface RosterLoad {
  /**
   * "full": the server sent the whole roster. "unchanged": we offered a version and the server
   * answered with an empty result, meaning the roster we hold is current (§2.6.3); changes, if
   * any, follow as pushes.
   */
  readonly answer: "full" | "unchanged";
  /** The version offered with the get; absent when the server does not offer versioning. */
  readonly offeredVer?: string;
}

export interface RosterEvents {
  /** The whole roster was (re)loaded, or confirmed current. */
  loaded: [items: readonly RosterItem[], load: RosterLoad];
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
      // §2.6.3: each push carries the version the roster is at once the push is applied.
      if (parsed.ver !== undefined) this.version = parsed.ver;
      this.apply(parsed.changes[0]!);
      return { result: null };
    });
  }

  /**
   * Loads the roster from the server (§2.1.3). When the server announced roster versioning
   * (§2.6.1), the get carries the version of the roster we hold, or "" when we hold none, to
   * start versioning (§2.6.2); without the announcement it carries no version, as §2.6.2 asks.
   */
  async fetch(): Promise<readonly RosterItem[]> {
    const versioning = this.conn.offersStreamFeature("ver", NS.rosterVersioning);
    const offeredVer = versioning ? (this.version ?? "") : undefined;
    const result = await this.conn.request(buildRosterGet(offeredVer), "roster get");
    const query = result.getChild("query", NS.roster);
    let answer: RosterLoad["answer"] = "full";
    if (query) {
      const warnings: string[] = [];
      const parsed = parseRosterQuery(query, warnings);
      for (const w of warnings) this.log.warn(`roster: ${w}`);
      this.items.clear();
      for (const c of parsed.changes) if (c.kind === "item") this.items.set(c.item.jid, c.item);
      this.version = parsed.ver;
    } else {
      // §2.6.3: an empty result says the version we offered is current; keep what we hold.
      answer = "unchanged";
      if (offeredVer === undefined) {
        this.log.warn("the server answered a roster get without a roster; kept the one we had");
      }
    }
    const all = this.list();
    this.events.emit("loaded", all, {
      answer,
      ...(offeredVer !== undefined ? { offeredVer } : {}),
    });
    return all;
  }

  /**
   * The roster with its version, for an application to store; undefined while the server has
   * not given a version (no versioning, or nothing fetched yet).
   */
  snapshot(): RosterSnapshot | undefined {
    return this.version === undefined ? undefined : { ver: this.version, items: this.list() };
  }

  /**
   * Puts back a stored snapshot (before connecting), so that the next roster get offers its
   * version and the server can answer "unchanged" (§2.6.2–2.6.3) instead of sending it all.
   */
  restore(snapshot: RosterSnapshot): void {
    this.items.clear();
    for (const item of snapshot.items) {
      // Normalised as parseRosterQuery does; an entry that is not a JID is left out.
      const jid = normalJid(item.jid);
      if (jid) this.items.set(jid, { ...item, jid });
    }
    this.version = snapshot.ver;
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
