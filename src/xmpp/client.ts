// Duet's XMPP client: the connection and every feature module wired together, with the
// session set-up RFC 6121 and the XEPs ask for (carbons, roster before initial presence, caps
// in presence, archive catch-up after a session that could not be resumed).
import { Archive } from "./archive.js";
import { Carbons } from "./carbons.js";
import { type SessionInfo, XmppConnection, type XmppConnectionConfig } from "./connection.js";
import { Disco } from "./disco.js";
import { TypedEmitter } from "./emitter.js";
import { consoleLogger, type XmppLogger } from "./log.js";
import { Messaging } from "./messaging.js";
import { Pep } from "./pep.js";
import { type OwnPresence, Presence } from "./presence.js";
import type { DiscoIdentity } from "./protocol/disco.js";
import { NS } from "./protocol/namespaces.js";
import { Reachability } from "./reachability.js";
import { Roster } from "./roster.js";
import { Subscriptions } from "./subscriptions.js";
import { UserActivities } from "./user-activity.js";
import { VCards } from "./vcard.js";

export interface XmppClientConfig extends XmppConnectionConfig {
  /** Our disco identity (XEP-0030 §3.1); default client/pc "Duet". */
  readonly identity?: DiscoIdentity;
  /** Answer XEP-0184 receipt requests automatically (default true). */
  readonly autoReceipts?: boolean;
  /** Enable XEP-0280 carbons at every new session (default true). */
  readonly carbons?: boolean;
  /** After a session that could not be resumed, fetch what the archive got meanwhile (default true). */
  readonly archiveCatchUp?: boolean;
  /** Presence sent at every new session; null: stay unavailable. Default: plainly available. */
  readonly initialPresence?: OwnPresence | null;
}

export interface ReadyEvent extends SessionInfo {
  /** Messages fetched from the archive by the catch-up of this session. */
  readonly caughtUp: number;
}

export interface ClientEvents {
  /** The session is set up (roster loaded, presence sent, archive caught up). */
  ready: [event: ReadyEvent];
  /** A step of session set-up failed (the session itself stays up). */
  setupError: [error: Error];
}

export class XmppClient {
  readonly events: TypedEmitter<ClientEvents>;
  readonly connection: XmppConnection;
  readonly messaging: Messaging;
  readonly roster: Roster;
  readonly subscriptions: Subscriptions;
  readonly presence: Presence;
  readonly disco: Disco;
  readonly carbons: Carbons;
  readonly pep: Pep;
  readonly activity: UserActivities;
  readonly reachability: Reachability;
  readonly vcard: VCards;
  readonly archive: Archive;
  private readonly log: XmppLogger;
  private sessions = 0;

  constructor(private readonly config: XmppClientConfig) {
    this.log = config.logger ?? consoleLogger;
    this.events = new TypedEmitter((err) =>
      this.log.warn(`a client listener threw: ${String(err)}`),
    );
    const conn = new XmppConnection(config);
    this.connection = conn;
    this.messaging = new Messaging(conn, this.log, { autoReceipts: config.autoReceipts ?? true });
    this.roster = new Roster(conn, this.log);
    this.subscriptions = new Subscriptions(conn, this.log);
    this.presence = new Presence(conn, this.log);
    this.disco = new Disco(conn, this.log, config.identity);
    this.disco.attachTo(this.presence);
    this.disco.addFeatures(NS.receipts, NS.ping, NS.sid);
    this.carbons = new Carbons(conn, this.log, this.messaging);
    this.pep = new Pep(conn, this.disco, this.log);
    this.activity = new UserActivities(this.pep, this.log);
    this.reachability = new Reachability(this.presence, this.pep, this.log);
    this.vcard = new VCards(conn);
    this.archive = new Archive(conn, this.log);
    conn.events.on("session", (s) => {
      if (s.resumed) {
        this.events.emit("ready", { ...s, caughtUp: 0 });
        return;
      }
      this.setUpSession(s).catch((err) => this.events.emit("setupError", err as Error));
    });
  }

  /** Our full JID as last bound ("" before the first session). */
  get jid(): string {
    return this.connection.jid;
  }

  /** Connects and resolves once the first session is fully set up. */
  async connect(): Promise<ReadyEvent> {
    const ready = this.events.next("ready");
    const failed = this.events.next("setupError").then(([err]) => {
      throw err;
    });
    await this.connection.connect();
    const [event] = await Promise.race([ready, failed]);
    return event;
  }

  async disconnect(): Promise<void> {
    await this.connection.disconnect();
  }

  private async setUpSession(session: SessionInfo): Promise<void> {
    const first = this.sessions === 0;
    this.sessions += 1;
    const catchUp = !first && (this.config.archiveCatchUp ?? true);
    // Messages arriving live during catch-up wait until the archive has been read (order).
    if (catchUp) this.messaging.beginCatchUp();
    try {
      await this.setUpSteps(catchUp, session);
    } finally {
      if (catchUp) this.messaging.endCatchUp();
    }
  }

  private async setUpSteps(catchUp: boolean, session: SessionInfo): Promise<void> {
    if (this.config.carbons ?? true) {
      try {
        await this.carbons.enable();
      } catch (err) {
        this.log.warn(`could not enable carbons: ${String(err)}`);
      }
    }
    // RFC 6121 §2.2: fetch the roster before sending initial presence.
    await this.roster.fetch();
    await this.disco.ownVer();
    const initial = this.config.initialPresence === undefined ? {} : this.config.initialPresence;
    if (this.presence.current) this.presence.rebroadcast();
    else if (initial) this.presence.set(initial);
    let caughtUp = 0;
    if (catchUp) {
      caughtUp = await this.archive.catchUp(this.messaging, this.messaging.newestArchiveId);
      if (caughtUp > 0) this.log.info(`caught up on ${caughtUp} archived messages`);
    }
    this.events.emit("ready", { ...session, caughtUp });
  }
}
