// XEP-0030 disco#info: answering queries about us and asking others, plus XEP-0115 entity
// capabilities: our 'ver' announced in presence, and peers' 'ver' verified against their
// disco#info before their answer is trusted and cached (by hash and ver, §5.4).
import type { XmppConnection } from "./connection.js";
import { TypedEmitter } from "./emitter.js";
import { normalJid } from "./jid.js";
import type { XmppLogger } from "./log.js";
import type { Presence } from "./presence.js";
import {
  buildCaps,
  capsInputProblem,
  computeCapsVer,
  isSupportedCapsHash,
  parseCaps,
} from "./protocol/caps.js";
import {
  buildDiscoInfoQuery,
  buildDiscoInfoResult,
  type DiscoIdentity,
  type DiscoInfo,
  parseDiscoInfo,
} from "./protocol/disco.js";
import { NS } from "./protocol/namespaces.js";
import { type XmlElement, xml } from "./xml.js";

/** Where Duet's caps node points (XEP-0115 §4: a URI identifying the software). */
export const DUET_CAPS_NODE = "https://github.com/duet-im/duet";

export interface CapsVerified {
  readonly jid: string;
  readonly ver: string;
  readonly info: DiscoInfo;
  /** true: known from the cache, no query was needed. */
  readonly cached: boolean;
}

export interface CapsRejected {
  readonly jid: string;
  readonly ver: string;
  readonly reason: string;
}

export interface DiscoEvents {
  /** A peer's caps matched its disco#info (or a cached, verified ver). */
  verified: [event: CapsVerified];
  /** A peer's caps did not match its disco#info, or its answer was malformed: not trusted. */
  rejected: [event: CapsRejected];
  /** Our own ver changed (features were added); presence is re-sent. */
  ownVer: [ver: string];
}

export class Disco {
  readonly events: TypedEmitter<DiscoEvents>;
  private readonly identities: DiscoIdentity[];
  private readonly features = new Set<string>([NS.discoInfo, NS.caps]);
  private ver = "";
  private verReady: Promise<string> = Promise.resolve("");
  /** Verified answers by "hash ver" (§5.4: a verified ver may be cached globally). */
  private readonly verified = new Map<string, DiscoInfo>();
  private readonly lookups = new Map<string, Promise<void>>();
  /** Each peer's current capabilities, by full JID. */
  private readonly peerInfo = new Map<string, DiscoInfo>();

  constructor(
    private readonly conn: XmppConnection,
    private readonly log: XmppLogger,
    identity: DiscoIdentity = { category: "client", type: "pc", name: "Duet" },
  ) {
    this.events = new TypedEmitter((err) => log.warn(`a disco listener threw: ${String(err)}`));
    this.identities = [identity];
    this.recompute();
    conn.handleIq("get", NS.discoInfo, "query", async (query) => {
      const node = query.attrs.node;
      const ver = await this.verReady;
      // §6.2: queries name the node "node#ver"; answer it and the plain (node-less) query.
      if (node && node !== `${DUET_CAPS_NODE}#${ver}`) {
        return { error: { type: "cancel", condition: "item-not-found" } };
      }
      return { result: buildDiscoInfoResult(this.info(), node) };
    });
  }

  /** What we answer to disco#info. */
  info(): DiscoInfo {
    return { identities: this.identities, features: [...this.features].sort(), forms: [] };
  }

  /** Advertises features (e.g. "urn:xmpp:receipts", "…+notify" for PEP interest). */
  addFeatures(...features: string[]): void {
    const before = this.features.size;
    for (const f of features) this.features.add(f);
    if (this.features.size !== before) this.recompute();
  }

  /** Our current caps ver (after any pending recomputation). */
  ownVer(): Promise<string> {
    return this.verReady;
  }

  /** Our <c/> for presence; call after ownVer() has settled. */
  capsElement(): XmlElement | null {
    return this.ver ? buildCaps({ hash: "sha-1", node: DUET_CAPS_NODE, ver: this.ver }) : null;
  }

  /** Sends our <c/> in every available presence, and re-broadcasts when it changes. */
  attachTo(presence: Presence): void {
    presence.addDecorator(() => {
      const c = this.capsElement();
      return c ? [c] : [];
    });
    presence.events.on("received", (p, stanza) => {
      if (p.type === "available") this.onPeerPresence(p.from, stanza);
      else this.peerInfo.delete(p.from);
    });
    this.events.on("ownVer", () => presence.rebroadcast());
  }

  /** Asks an entity what it is and supports (§3.1). */
  async query(jid: string, node?: string): Promise<DiscoInfo> {
    const iq = xml("iq", { type: "get", to: jid }, buildDiscoInfoQuery(node));
    const result = await this.conn.request(iq, `disco#info of ${jid}`);
    const query = result.getChild("query", NS.discoInfo);
    return query ? parseDiscoInfo(query) : { identities: [], features: [], forms: [] };
  }

  /** The verified capabilities of a peer's full JID, if known. */
  capabilitiesOf(fullJid: string): DiscoInfo | undefined {
    const jid = normalJid(fullJid);
    return jid ? this.peerInfo.get(jid) : undefined;
  }

  /** Whether a peer's resource advertises a feature (per its verified caps). */
  supports(fullJid: string, feature: string): boolean {
    return this.capabilitiesOf(fullJid)?.features.includes(feature) ?? false;
  }

  /** Verifies a peer's caps now (normally triggered by its presence). */
  async verifyPeer(
    fullJid: string,
    caps: { hash: string; node: string; ver: string },
  ): Promise<void> {
    const jid = normalJid(fullJid);
    if (!jid) return;
    const key = `${caps.hash} ${caps.ver}`;
    const known = this.verified.get(key);
    if (known) {
      this.peerInfo.set(jid, known);
      this.events.emit("verified", { jid, ver: caps.ver, info: known, cached: true });
      return;
    }
    const running = this.lookups.get(`${key} ${jid}`);
    if (running) return running;
    const lookup = this.lookupAndVerify(jid, caps, key).finally(() =>
      this.lookups.delete(`${key} ${jid}`),
    );
    this.lookups.set(`${key} ${jid}`, lookup);
    return lookup;
  }

  private async lookupAndVerify(
    jid: string,
    caps: { hash: string; node: string; ver: string },
    key: string,
  ): Promise<void> {
    let info: DiscoInfo;
    try {
      info = await this.query(jid, `${caps.node}#${caps.ver}`);
    } catch (err) {
      this.log.info(`caps of ${jid}: disco#info failed: ${String(err)}`);
      return;
    }
    const reject = (reason: string) => {
      this.log.warn(`caps of ${jid} rejected: ${reason} (XEP-0115 §5.4)`);
      this.events.emit("rejected", { jid, ver: caps.ver, reason });
    };
    if (!isSupportedCapsHash(caps.hash)) {
      // §5.4 3.1: use the answer for this entity but do not validate or cache it.
      this.peerInfo.set(jid, info);
      return;
    }
    const problem = capsInputProblem(info);
    if (problem) return reject(`its disco#info is malformed: ${problem}`);
    const computed = await computeCapsVer(info, caps.hash);
    if (computed !== caps.ver) {
      return reject(
        `ver "${caps.ver}" does not match its disco#info (which hashes to "${computed}")`,
      );
    }
    this.verified.set(key, info);
    this.peerInfo.set(jid, info);
    this.events.emit("verified", { jid, ver: caps.ver, info, cached: false });
  }

  private onPeerPresence(from: string, stanza: Parameters<typeof parseCaps>[0]): void {
    const caps = parseCaps(stanza);
    if (!caps) return;
    const jid = normalJid(from);
    if (!jid || jid === normalJid(this.conn.jid)) return;
    this.verifyPeer(jid, caps).catch((err) => this.log.warn(`caps of ${jid}: ${String(err)}`));
  }

  private recompute(): void {
    // Chained so that the last change always wins, whatever order digests complete in.
    this.verReady = this.verReady.then(async () => {
      const ver = await computeCapsVer(this.info());
      const changed = ver !== this.ver;
      this.ver = ver;
      if (changed) this.events.emit("ownVer", ver);
      return ver;
    });
  }
}
