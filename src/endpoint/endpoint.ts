// The integrated endpoint (issue 6): one SIP user agent, one XMPP client, the media of each
// call and the coex engine (PROFILE.md) wired together behind the daemon's API contract.
//
// The engine decides; this class carries out. Everything that arrives on SIP or XMPP is turned
// into an engine input, and the actions the engine answers with are executed in order: XMPP
// messages sent, INVITEs placed, re-INVITEs sent, events persisted and published. After each
// batch the engine's snapshot is saved, so a restart continues where the process stopped.

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  type Action,
  NS as COEX_NS,
  CoexEngine,
  type CoexEvent,
  type Conversation,
  composePresence,
  discoFeatures,
  type Media,
  type OwnState,
  parseSessionId,
  presenceSipElement,
  REACH_NS,
  reachElement,
  readPresenceSip,
  readReach,
  readSipPayload,
  type SipPayload,
  sipPayloadElement,
} from "../coex/index.js";
import { type Clock, systemClock } from "../common/clock.js";
import type { MediaSession } from "../media/session/media-session.js";
import { OfferAnswerAdapter } from "../media/session/offer-answer-adapter.js";
import { formatUri, type SipResponse, serializeToString } from "../sip/message/index.js";
import { locate, NodeTransportLayer } from "../sip/transport/index.js";
import type { Flow } from "../sip/transport/types.js";
import {
  type CallEnd,
  IncomingCall,
  type IncomingRequestContext,
  OutgoingCall,
  Registration,
  type RegistrationState,
  UserAgent,
} from "../sip/ua/index.js";
import {
  ACTIVITY_NODE,
  type PresenceShow,
  type ReceivedMessage,
  type ReceivedPresence,
  XmppClient,
} from "../xmpp/index.js";
import {
  ApiError,
  type ApiEvent,
  type ContactView,
  type EndpointApi,
  type MessageView,
  type OwnShow,
  type ParamsOf,
  type PresenceView,
  type ResultOf,
  type StatusResult,
} from "./api/index.js";
import { apiEventFrom, conversationDetail, conversationSummary, messageView } from "./api/views.js";
import { CallMediaFactory, mediaOf, mediaOfferedIn } from "./call-media.js";
import type { EndpointConfig } from "./config/index.js";
import { addressesOf, localAddressTowards } from "./network.js";
import { DuetStore } from "./store/index.js";
import { toCoexElement, toStanzaElement } from "./xml-bridge.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type EndpointLogger = (level: LogLevel, area: string, message: string) => void;

/** Wire traffic for `--trace`: the protocol, the direction and the message as text. */
export type WireTracer = (protocol: "sip" | "xmpp", dir: "in" | "out", text: string) => void;

export interface EndpointOptions {
  readonly config: EndpointConfig;
  /** Where `--trace` sends the wire traffic, per protocol; unset: not traced. */
  readonly trace?: { readonly sip?: WireTracer; readonly xmpp?: WireTracer };
  readonly clock?: Clock;
  readonly log?: EndpointLogger;
  /** Answer incoming calls at once (the daemon's --auto-answer), overriding the config. */
  readonly autoAnswer?: boolean;
}

/** What a call of ours holds besides the engine's record. */
interface LiveCall {
  readonly id: string;
  readonly conversation: string;
  sip: IncomingCall | OutgoingCall | undefined;
  readonly media: MediaSession;
  /** The peer's JID media the engine last heard of, to report remote changes once. */
  lastMedia: readonly Media[];
  ended: boolean;
  /** An outgoing call the user hung up before the INVITE was sent. */
  hangupRequested?: boolean;
}

const CAPS_NS = "http://jabber.org/protocol/caps";

const ACTIVITY_FOR_PHONE = {
  on_the_phone: { general: "talking", specific: "on_the_phone" },
  on_video_phone: { general: "talking", specific: "on_video_phone" },
} as const;

function randomId(prefix: string): string {
  return `${prefix}-${randomBytes(8).toString("hex")}`;
}

/** The SIP URI inside a header value that may be a name-addr (`"Bob" <sip:…>;tag=…`). */
function uriOfHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /<([^>]*)>/.exec(value);
  return (m ? m[1]! : value.split(";")[0]!).trim();
}

/** How a SIP dialog's end is reported in the API (`hangup`, `rejected`, `busy`, …). */
function endReasonOf(end: CallEnd): string {
  switch (end.reason) {
    case "local-bye":
    case "remote-bye":
      return "hangup";
    case "rejected":
      if (end.status === 486 || end.status === 600) return "busy";
      if (end.status === 603) return "rejected";
      return end.status !== undefined && end.status >= 400 && end.status !== 487
        ? `failed: ${end.status} ${UserAgent.reasonOf(end.status)}`
        : "rejected";
    case "cancelled":
      return "cancelled";
    case "timeout":
      return "failed: no answer from the network (timeout)";
    case "no-ack":
      return "failed: the peer never acknowledged the answer";
    case "failed":
      return `failed${end.status !== undefined ? `: ${end.status}` : ""}`;
  }
}

export class Endpoint implements EndpointApi {
  readonly config: EndpointConfig;
  private readonly clock: Clock;
  private readonly log: EndpointLogger;
  private readonly coexEnabled: boolean;
  private readonly autoAnswer: boolean;
  private readonly store: DuetStore;
  private readonly engine: CoexEngine;
  private mediaFactory: CallMediaFactory;
  /** Addresses the configured proxy resolves to: only requests from them carry trusted PAI. */
  private proxyAddresses = new Set<string>();
  private transport!: NodeTransportLayer;
  private ua!: UserAgent;
  private registration!: Registration;
  private registered: RegistrationState | undefined;
  private readonly xmpp: XmppClient;
  private readonly calls = new Map<string, LiveCall>();
  /** The media session the next outgoing dialog's description hook takes. */
  private pendingOutgoing: MediaSession | undefined;
  /** The media session made for the incoming dialog being constructed. */
  private lastIncoming: { call: string; session: MediaSession } | undefined;
  private readonly presenceOf = new Map<string, PresenceView>();
  private own: { show: OwnShow; status?: string } = { show: "available" };
  private publishedActivity: string | undefined = "none";
  private sentPresence: string | undefined;
  private archiveMark: string | undefined;
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private closed = false;
  /** Work in flight (action batches), so close() can wait for it. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(private readonly options: EndpointOptions) {
    const opts = options;
    this.config = opts.config;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? (() => {});
    this.coexEnabled = opts.config.coex.enabled;
    this.autoAnswer = opts.autoAnswer ?? opts.config.daemon.autoAnswer;
    const c = opts.config;
    this.mediaFactory = this.makeMediaFactory("127.0.0.1");
    this.store = DuetStore.open(c.daemon.store, { clock: this.clock });
    const snapshot = this.store.loadSnapshot();
    const policy = this.store.policy() ?? c.policy;
    this.engine = new CoexEngine({
      self: { jid: `${c.xmpp.jid}/${c.xmpp.resource}`, media: this.mediaFactory.capabilities },
      clock: this.clock,
      policy,
      ...(snapshot !== undefined ? { snapshot } : {}),
    });
    this.xmpp = new XmppClient({
      jid: c.xmpp.jid,
      password: c.xmpp.password,
      resource: c.xmpp.resource,
      service: c.xmpp.service.url,
      tls: c.xmpp.tls === "none" ? "none" : "required",
      clock: this.clock,
      logger: {
        info: (m: string) => this.log("info", "xmpp", m),
        warn: (m: string) => this.log("warn", "xmpp", m),
      },
      initialPresence: null,
    });
  }

  private makeMediaFactory(localAddress: string): CallMediaFactory {
    const c = this.config;
    return new CallMediaFactory({
      clock: this.clock,
      localAddress,
      audio: c.media.audio,
      video: c.media.video,
      ...(c.media.record !== undefined ? { record: c.media.record } : {}),
      opus: c.media.codecs.audio.includes("opus"),
      videoEnabled: c.media.codecs.video.length > 0,
      secureSignaling: c.sip.proxy.transport === "tls",
    });
  }

  /** Opens the store, registers at the SIP registrar, logs in to XMPP; resolves when both work. */
  static async start(opts: EndpointOptions): Promise<Endpoint> {
    const ep = new Endpoint(opts);
    try {
      ep.endCallsOfEarlierRun();
      await ep.startSip();
      await ep.startXmpp();
      ep.refreshPresence();
    } catch (e) {
      await ep.close().catch(() => {});
      throw e;
    }
    return ep;
  }

  /** Receives every API event, in order. */
  onEvent(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Incoming messages no client has had yet (they arrived while none was connected, or before a
   * restart), as the events a newly connected client should get first; they count as shown.
   */
  takeUnshown(): ApiEvent[] {
    if (this.closed) return [];
    const list = this.store.unshown();
    this.store.markShown(...list.map((m) => m.id));
    return list.map((m) => ({
      type: "message.received" as const,
      conversation: m.conversation,
      message: {
        id: m.id,
        direction: "in" as const,
        text: m.text,
        at: m.at,
        state: "received" as const,
      },
    }));
  }

  /** A client has the message (it went out on an event stream or in conversations.get). */
  markShown(ids: readonly string[]): void {
    if (ids.length > 0 && !this.closed) this.store.markShown(...ids);
  }

  get addresses(): { jid: string; aor: string; gruu?: string; contact?: string } {
    const gruu = this.registered?.publicGruu;
    return {
      jid: this.xmpp.jid,
      aor: this.config.sip.aor.uri,
      ...(gruu ? { gruu: formatUri(gruu) } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.calls.values()) {
      if (call.ended) continue;
      try {
        if (call.sip instanceof IncomingCall && call.sip.state !== "confirmed")
          call.sip.reject(480);
        else if (call.sip instanceof OutgoingCall && call.sip.state !== "confirmed")
          await call.sip.cancel();
        else await call.sip?.bye();
      } catch {
        // closing anyway
      }
      call.media.close();
    }
    await this.queue.catch(() => {});
    try {
      this.persist();
    } catch {
      // the store may already be gone
    }
    try {
      if (this.registration) await this.registration.unregister().catch(() => {});
      this.registration?.stop();
    } finally {
      await this.ua?.close().catch(() => {});
      await this.transport?.close().catch(() => {});
      await this.xmpp.disconnect().catch(() => {});
      this.store.close();
    }
  }

  // ---- start-up -----------------------------------------------------------------------------

  /** Calls that were up when the last run stopped cannot be resumed: they ended with it. */
  private endCallsOfEarlierRun(): void {
    const actions: Action[] = [];
    for (const conv of this.engine.conversations()) {
      for (const call of conv.calls) {
        if (call.state !== "ended") actions.push(...this.engine.endCall(call.id, "restart"));
      }
    }
    if (actions.length > 0) this.runNow(actions);
  }

  private async startSip(): Promise<void> {
    const c = this.config.sip;
    const ca = this.config.tls.caFile ? readFileSync(this.config.tls.caFile) : undefined;
    let host: string;
    try {
      host = c.localAddress ?? (await localAddressTowards(c.proxy.host, c.proxy.port));
    } catch (e) {
      throw new Error(
        `cannot find a local address that reaches the SIP proxy ${c.proxy.host}: ${(e as Error).message} — check sip.proxy, or set sip.localAddress`,
      );
    }
    this.proxyAddresses = await addressesOf(c.proxy.host);
    this.mediaFactory = this.makeMediaFactory(host);
    this.transport = await NodeTransportLayer.start({
      clock: this.clock,
      host,
      udp: 0,
      tcp: 0,
      ...(ca ? { ca } : {}),
    });
    this.log("info", "sip", `SIP and RTP on ${host}`);
    const proxy = c.proxy.uri.includes(";lr") ? c.proxy.uri : `${c.proxy.uri};lr`;
    this.ua = new UserAgent({
      transport: this.transport,
      clock: this.clock,
      aor: c.aor.uri,
      credentials: { username: c.username, password: c.password, realm: c.realm },
      outboundProxy: proxy,
      preferredTransport:
        c.proxy.transport === "tls" ? "TLS" : c.proxy.transport === "tcp" ? "TCP" : "UDP",
      resolver: (uri, preferred) => locate(uri, preferred),
      instanceId: c.instanceId,
      userAgent: "Duet",
      sessionDescription: (info) => {
        if (info.direction === "outgoing") {
          const session = this.pendingOutgoing;
          this.pendingOutgoing = undefined;
          if (!session) throw new Error("an outgoing dialog without its media session");
          return new OfferAnswerAdapter(session);
        }
        const call = randomId("call");
        const { session } = this.mediaFactory.create(call, this.mediaFactory.capabilities);
        this.lastIncoming = { call, session };
        return new OfferAnswerAdapter(session);
      },
    });
    const traceSip = this.options.trace?.sip;
    if (traceSip) {
      this.ua.onTrace = (dir, message, flow) =>
        traceSip(
          "sip",
          dir,
          `${dir === "in" ? "from" : "to"} ${flow.transport} ${flow.remote.host}:${flow.remote.port}\n${serializeToString(message)}`,
        );
    }
    this.ua.onRequest = (ctx) => this.onSipRequest(ctx);
    this.ua.onOptions = (ctx) => this.answerOptions(ctx);
    this.registration = new Registration(this.ua, { expires: c.registrationExpires });
    this.registration.onRefresh = (r) => {
      if (r instanceof Error) {
        this.registrationLost(r.message, 0);
        return;
      }
      this.registered = r;
      this.updateSelf();
    };
    try {
      this.registered = await this.registration.register();
    } catch (e) {
      throw new Error(
        `SIP registration of ${c.aor.uri} at ${c.proxy.uri} failed: ${(e as Error).message} — check sip.username, sip.password and sip.proxy (try \`duet doctor\`)`,
      );
    }
    this.log(
      "info",
      "sip",
      `registered ${c.aor.uri}${this.registered.publicGruu ? ` (GRUU ${formatUri(this.registered.publicGruu)})` : ""}`,
    );
  }

  /**
   * A refresh failed (registrar down, network gone, credentials changed): calls cannot reach us
   * until it works again, so `status` says so and it is retried with a growing delay (5 s
   * doubling to 5 min) rather than given up.
   */
  private registrationLost(why: string, attempt: number): void {
    if (this.closed) return;
    this.registered = undefined;
    const delayS = Math.min(300, 5 * 2 ** attempt);
    this.log("warn", "sip", `registration failed (${why}); trying again in ${delayS} s`);
    this.clock.setTimeout(() => {
      if (this.closed) return;
      this.registration.register().then(
        (state) => {
          this.registered = state;
          this.log("info", "sip", `registered again as ${this.config.sip.aor.uri}`);
          this.updateSelf();
          this.refreshPresence();
        },
        (e) => this.registrationLost((e as Error).message, attempt + 1),
      );
    }, delayS * 1000);
  }

  private async startXmpp(): Promise<void> {
    const x = this.xmpp;
    const traceXmpp = this.options.trace?.xmpp;
    if (traceXmpp) x.connection.onTrace = (dir, el) => traceXmpp("xmpp", dir, el.toString());
    if (this.coexEnabled) x.disco.addFeatures(...discoFeatures(this.mediaFactory.capabilities));
    x.presence.addDecorator(() => this.presenceExtensions());
    x.messaging.events.on("message", ({ message, direction }) => {
      if (direction === "incoming") this.enqueue(() => this.onXmppMessage(message));
    });
    x.presence.events.on("received", (p) => this.onPresence(p));
    x.activity.events.on("activity", ({ from, activity }) => {
      const bare = from.split("/")[0]!;
      const prev = this.presenceOf.get(bare) ?? { available: false };
      const phone =
        activity?.general === "talking" &&
        (activity.specific === "on_the_phone" || activity.specific === "on_video_phone")
          ? activity.specific
          : undefined;
      const { activity: _old, ...rest } = prev;
      const next: PresenceView = { ...rest, ...(phone ? { activity: phone } : {}) };
      this.presenceOf.set(bare, next);
      this.emit({ type: "presence.changed", jid: bare, presence: next });
    });
    x.pep.subscribe(ACTIVITY_NODE);
    x.disco.events.on("verified", ({ jid, info }) => {
      if (this.coexEnabled) this.engine.setPeerFeatures(jid, info.features);
    });
    x.subscriptions.events.on("subscription", (s) => {
      if (s.type === "subscribe") {
        this.emit({ type: "contact.request", jid: s.from.split("/")[0]! });
      }
    });
    x.roster.events.on("loaded", () => this.engine.setRoster(x.roster.list().map((i) => i.jid)));
    x.roster.events.on("push", () => this.engine.setRoster(x.roster.list().map((i) => i.jid)));
    x.events.on("ready", () => {
      this.updateSelf();
      this.refreshPresence();
    });
    try {
      await x.connect();
    } catch (e) {
      throw new Error(
        `XMPP login of ${this.config.xmpp.jid} at ${this.config.xmpp.service.url} failed: ${(e as Error).message} — check xmpp.jid, xmpp.password and xmpp.service`,
      );
    }
    this.log("info", "xmpp", `logged in as ${x.jid}`);
    this.updateSelf();
    await this.catchUpAfterRestart();
  }

  /**
   * XEP-0313: what the archive got after the last message this store recorded (the process was
   * down, or died with messages unacknowledged). Later reconnects are the XMPP layer's own.
   */
  private async catchUpAfterRestart(): Promise<void> {
    const mark = this.store.archiveMark();
    if (mark === undefined) return;
    this.archiveMark = mark;
    const x = this.xmpp;
    x.messaging.beginCatchUp();
    try {
      const n = await x.archive.catchUp(x.messaging, mark);
      if (n > 0) this.log("info", "xmpp", `caught up on ${n} archived messages since the last run`);
    } catch (e) {
      this.log("warn", "xmpp", `could not read the archive after the restart: ${String(e)}`);
    } finally {
      x.messaging.endCatchUp();
    }
  }

  /** Our own addresses as the engine advertises them (§1): full JID, GRUU or AOR. */
  private updateSelf(): void {
    const gruu = this.registered?.publicGruu;
    const sipUri = gruu ? formatUri(gruu) : this.config.sip.aor.uri;
    this.engine.setSelf({
      jid: this.xmpp.jid || `${this.config.xmpp.jid}/${this.config.xmpp.resource}`,
      // With the profile off nothing of our SIP side is ever advertised over XMPP.
      ...(this.coexEnabled ? { sipUri } : {}),
      media: this.mediaFactory.capabilities,
    });
  }

  private get selfSipUri(): string {
    const gruu = this.registered?.publicGruu;
    return gruu ? formatUri(gruu) : this.config.sip.aor.uri;
  }

  // ---- presence (REQ-3, PROFILE.md §2) ------------------------------------------------------

  private composed() {
    return composePresence(
      this.own.show === "available"
        ? ownState(undefined, this.own.status)
        : ownState(this.own.show, this.own.status),
      this.engine.activeCalls(),
      { uri: this.selfSipUri, aor: this.config.sip.aor.uri, media: this.mediaFactory.capabilities },
    );
  }

  private presenceExtensions() {
    if (!this.coexEnabled) return [];
    const p = this.composed();
    return [toStanzaElement(reachElement(p.reach)), toStanzaElement(presenceSipElement(p.sip))];
  }

  /** Sends our presence again (call state changed, or the user set it) and the PEP activity. */
  private refreshPresence(): void {
    if (this.closed || this.xmpp.connection.state !== "online") return;
    const p = this.composed();
    const show = p.show as PresenceShow | undefined;
    // Presence is broadcast to every contact: send it only when something in it changed.
    const key = JSON.stringify([p.show, p.status, p.sip, p.reach, this.coexEnabled]);
    const activity = p.activity ?? "none";
    if (key === this.sentPresence && activity === this.publishedActivity) return;
    this.sentPresence = key;
    this.xmpp.presence.set({
      ...(show !== undefined ? { show } : {}),
      ...(p.status !== undefined ? { status: p.status } : {}),
    });
    if (activity !== this.publishedActivity) {
      this.publishedActivity = activity;
      const payload = p.activity ? ACTIVITY_FOR_PHONE[p.activity] : null;
      this.xmpp.activity.publish(payload).catch((e) => {
        this.log("warn", "xmpp", `could not publish User Activity over PEP: ${String(e)}`);
      });
    }
  }

  private onPresence(p: ReceivedPresence): void {
    const bare = p.from.split("/")[0]!;
    if (bare === this.config.xmpp.jid) return;
    const prev = this.presenceOf.get(bare);
    if (p.type === "unavailable") {
      if (this.xmpp.presence.book.isAvailable(bare)) return;
      const next: PresenceView = { available: false };
      this.presenceOf.set(bare, next);
      this.emit({ type: "presence.changed", jid: bare, presence: next });
      return;
    }
    if (p.type !== "available") return;
    let sip: PresenceView["sip"];
    let reach: string[] | undefined;
    for (const ext of p.extensions) {
      const el = toCoexElement(ext);
      const s = readPresenceSip(el);
      if (s)
        sip = {
          ...(s.uri !== undefined ? { uri: s.uri } : {}),
          media: s.media,
          ...(s.call ? { call: s.call } : {}),
        };
      const r = el.name === "reach" && el.attrs.xmlns === REACH_NS ? readReach(el) : undefined;
      if (r) reach = r;
    }
    if (this.coexEnabled) {
      // A client that sends no caps (XEP-0115) cannot be asked what it supports: it is taken
      // as a plain client, so the profile's payloads are not sent to it (§0).
      const caps = p.extensions.some((e) => e.name === "c" && e.getNS() === CAPS_NS);
      if (!caps && this.engine.contact(bare)?.integrated !== true)
        this.engine.setPeerFeatures(bare, []);
      const actions = this.engine.receivePresence({
        from: p.from,
        ...(sip ? { sip } : {}),
        ...(reach ? { reach } : {}),
      });
      this.runNow(actions);
    }
    const next: PresenceView = {
      available: true,
      ...(p.show !== undefined ? { show: p.show } : {}),
      ...(p.status !== undefined ? { status: p.status } : {}),
      ...(sip && this.coexEnabled ? { sip } : {}),
      ...(prev?.activity ? { activity: prev.activity } : {}),
    };
    this.presenceOf.set(bare, next);
    this.emit({ type: "presence.changed", jid: bare, presence: next });
  }

  // ---- XMPP messages ------------------------------------------------------------------------

  private onXmppMessage(m: ReceivedMessage): void {
    this.handleXmppMessage(m);
    // Only once the message is handled (and recorded) does the archive mark move past it.
    const mark = this.xmpp.messaging.newestArchiveId;
    if (mark !== undefined && mark !== this.archiveMark && this.store.isOpen) {
      this.archiveMark = mark;
      this.store.setArchiveMark(mark);
    }
  }

  private handleXmppMessage(m: ReceivedMessage): void {
    if (m.type !== "chat" && m.type !== "normal") return;
    let payload: SipPayload | undefined;
    if (this.coexEnabled) {
      for (const ext of m.extensions) {
        if (ext.name !== "sip" || ext.getNS() !== COEX_NS) continue;
        const parsed = readSipPayload(toCoexElement(ext));
        if (parsed) {
          payload = parsed.payload;
          for (const p of parsed.problems) this.log("warn", "coex", `from ${m.from}: ${p}`);
        }
      }
    }
    if (m.body === undefined && payload === undefined) return;
    const { actions } = this.engine.receiveMessage({
      from: m.from,
      ...(m.thread ? { thread: m.thread.id } : {}),
      ...(m.body !== undefined ? { body: m.body } : {}),
      ...(payload ? { payload } : {}),
    });
    this.runNow(actions);
  }

  // ---- SIP requests -------------------------------------------------------------------------

  private fromTrustedProxy(flow: Flow): boolean {
    const p = this.config.sip.proxy;
    return this.proxyAddresses.has(flow.remote.host) && flow.remote.port === p.port;
  }

  private onSipRequest(ctx: IncomingRequestContext): void {
    const req = ctx.request;
    if (req.method === "INVITE") {
      this.enqueue(() => this.onInvite(ctx));
      return;
    }
    if (req.method === "MESSAGE") {
      // SIP MESSAGE (RFC 3428) is accepted but Duet's chat is XMPP's: log what came.
      this.log("info", "sip", `MESSAGE from ${formatUri(req.from().uri)} (chat goes over XMPP)`);
      ctx.reply(200);
      return;
    }
    ctx.reply(405, { headers: [["Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE"]] });
  }

  private onInvite(ctx: IncomingRequestContext): void {
    const req = ctx.request;
    if (this.closed) {
      ctx.reply(480);
      return;
    }
    this.lastIncoming = undefined;
    const sipCall = new IncomingCall(this.ua, ctx);
    const made = this.lastIncoming as { call: string; session: MediaSession } | undefined;
    this.lastIncoming = undefined;
    if (!made) {
      sipCall.reject(500, "No media");
      return;
    }
    const offered = mediaOfferedIn(req.bodyText());
    const media = offered.filter((m) => this.mediaFactory.capabilities.includes(m));
    const trusted = this.fromTrustedProxy(ctx.flow);
    const pai = uriOfHeader(req.get("P-Asserted-Identity"));
    const r = this.engine.receiveInvite({
      call: made.call,
      fromUri: formatUri(req.from().uri),
      ...(pai !== undefined ? { assertedIdentity: pai } : {}),
      viaTrustedProxy: trusted,
      callInfo: this.coexEnabled ? req.getAll("Call-Info") : [],
      ...(this.coexEnabled && req.get("Session-ID") !== undefined
        ? { sessionId: req.get("Session-ID")! }
        : {}),
      media: media.length > 0 ? media : ["audio"],
    });
    const live: LiveCall = {
      id: made.call,
      conversation: r.conversation,
      sip: sipCall,
      media: made.session,
      lastMedia: r.call.media,
      ended: false,
    };
    this.calls.set(live.id, live);
    this.watchMedia(live);
    sipCall.localSessionId = r.call.localSession;
    sipCall.ring();
    void sipCall.ended.then((end) => this.enqueue(() => this.sipCallEnded(live, end)));
    this.runNow(r.actions);
    this.refreshPresence();
    if (this.autoAnswer) this.enqueue(() => this.answer(live.id));
  }

  private answerOptions(ctx: IncomingRequestContext): {
    headers?: Array<[string, string]>;
    contactParams?: string;
  } {
    // RFC 3840 §9 feature tags on the Contact say what this device can do.
    const contactParams = this.mediaFactory.capabilities.map((m) => `;${m}`).join("");
    if (!this.coexEnabled) return { contactParams };
    const req = ctx.request;
    const pai = uriOfHeader(req.get("P-Asserted-Identity"));
    const r = this.engine.answerOptions({
      fromUri: formatUri(req.from().uri),
      ...(pai !== undefined ? { assertedIdentity: pai } : {}),
      viaTrustedProxy: this.fromTrustedProxy(ctx.flow),
    });
    this.runNow(r.actions);
    return {
      contactParams,
      ...(r.callInfo !== undefined ? { headers: [["Call-Info", r.callInfo]] } : {}),
    };
  }

  /**
   * Reports the first RTP packet from the peer (`call.media`). The media layer has no event for
   * it, so its counters are looked at every 2 ms until then (a minute at most).
   */
  private watchFirstPacket(live: LiveCall): void {
    const started = this.clock.now();
    const look = () => {
      if (live.ended || this.closed) return;
      const stats = live.media.statistics();
      const got = (stats.audio?.packetsReceived ?? 0) + (stats.video?.packetsReceived ?? 0);
      if (got > 0) {
        this.emit({
          type: "call.media",
          conversation: live.conversation,
          call: live.id,
          at: this.clock.wallTime().getTime(),
        });
        return;
      }
      if (this.clock.now() - started < 60_000) this.clock.setTimeout(look, 2);
    };
    look();
  }

  private watchMedia(live: LiveCall): void {
    this.watchFirstPacket(live);
    live.media.on("dtmf", (digit, durationMs) => {
      if (!live.ended)
        this.emit({
          type: "call.dtmf",
          conversation: live.conversation,
          call: live.id,
          digit,
          durationMs,
        });
    });
    live.media.on("negotiated", (plans) => {
      const now = mediaOf(plans);
      if (live.ended || now.length === 0) return;
      if (now.join(" ") === live.lastMedia.join(" ")) return;
      live.lastMedia = now;
      this.enqueue(() => {
        if (live.ended) return;
        this.runNow(this.engine.updateCallMedia(live.id, now, "remote"));
        this.refreshPresence();
      });
    });
  }

  private sipCallEnded(live: LiveCall, end: CallEnd): void {
    if (live.ended) return;
    live.ended = true;
    live.media.close();
    this.runNow(this.engine.endCall(live.id, endReasonOf(end)));
    this.refreshPresence();
  }

  private answer(id: string): void {
    const live = this.calls.get(id);
    if (!live || !(live.sip instanceof IncomingCall)) {
      throw new ApiError("unknown-call", `no incoming call ${id}`, "use an id from call.incoming");
    }
    const a = this.engine.answerCall(id);
    const sip = live.sip;
    void sip.accept({
      localSessionId: parseSessionId(a.sessionId).local,
      ...(a.callInfo !== undefined && this.coexEnabled
        ? { headers: [["Call-Info", a.callInfo]] }
        : {}),
    });
    this.runNow(a.actions);
    this.refreshPresence();
  }

  // ---- carrying out the engine's actions ----------------------------------------------------

  /** Runs `work` after everything queued before it (SIP and XMPP input is handled in order). */
  private enqueue(work: () => void | Promise<void>): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.closed) return;
      await work();
    });
    this.queue = next.catch((e) => {
      this.log("error", "endpoint", `handling failed: ${(e as Error).stack ?? String(e)}`);
    });
    return next;
  }

  /** Carries out a batch of engine actions in order, then saves the engine's state. */
  private runNow(actions: readonly Action[]): void {
    for (const a of actions) {
      try {
        this.carryOut(a);
      } catch (e) {
        this.log("error", "endpoint", `${a.type} failed: ${(e as Error).message}`);
      }
    }
    if (actions.length > 0) this.persist();
  }

  private persist(): void {
    if (this.store.isOpen) this.store.saveSnapshot(this.engine.snapshot());
  }

  private carryOut(a: Action): void {
    switch (a.type) {
      case "xmpp.send": {
        const payload = this.coexEnabled ? a.payload : undefined;
        if (a.body === undefined && payload === undefined) return;
        if (this.xmpp.connection.state !== "online" && a.body !== undefined) {
          this.log("warn", "xmpp", `offline: message to ${a.to} is queued by the connection`);
        }
        this.xmpp.messaging.send({
          to: a.to,
          type: "chat",
          thread: { id: a.thread },
          ...(a.body !== undefined ? { body: a.body } : {}),
          ...(payload ? { extensions: [toStanzaElement(sipPayloadElement(payload))] } : {}),
        });
        return;
      }
      case "sip.invite":
        void this.placeCall(a.call, a.conversation, a.target, a.media, a.callInfo, a.sessionId);
        return;
      case "sip.reinvite":
        void this.reinvite(a.call, a.media);
        return;
      case "event":
        this.onCoexEvent(a.event);
        return;
    }
  }

  private onCoexEvent(e: CoexEvent): void {
    if (e.type === "message.received") {
      // Durable before shown (issue 6: nothing lost between arriving and being shown).
      this.store.recordIncoming(this.engine.conversation(e.conversation), e.message);
    }
    if (e.type === "discovery.learned") {
      this.log("info", "coex", `discovery: ${e.sip} is ${e.jid} (${e.level})`);
    }
    if (e.type === "correlation.rejected") {
      this.log("warn", "coex", `not correlated (${e.reason}) from ${e.from}`);
    }
    const api = apiEventFrom(e, (id) => this.engine.conversation(id));
    if (api) this.emit(api);
  }

  private emit(e: ApiEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log("warn", "endpoint", `an event listener threw: ${String(err)}`);
      }
    }
  }

  private async placeCall(
    id: string,
    conversation: string,
    target: string,
    media: readonly Media[],
    callInfo: string | undefined,
    sessionId: string,
  ): Promise<void> {
    const { session } = this.mediaFactory.create(id, media);
    const live: LiveCall = {
      id,
      conversation,
      sip: undefined,
      media: session,
      lastMedia: media,
      ended: false,
    };
    this.calls.set(id, live);
    this.watchMedia(live);
    this.pendingOutgoing = session;
    let call: OutgoingCall;
    try {
      call = await OutgoingCall.start(this.ua, target, {
        localSessionId: parseSessionId(sessionId).local,
        ...(callInfo !== undefined && this.coexEnabled
          ? { headers: [["Call-Info", callInfo]] }
          : {}),
        onCreated: (c) => {
          live.sip = c;
        },
      });
    } catch (e) {
      this.pendingOutgoing = undefined;
      this.log("warn", "sip", `INVITE to ${target} failed: ${(e as Error).message}`);
      await this.enqueue(() => this.sipCallEnded(live, { reason: "failed" }));
      return;
    }
    if (live.hangupRequested) void call.cancel();
    void call.accepted.then(
      () =>
        this.enqueue(() => {
          if (live.ended) return;
          const res = call.answer as SipResponse;
          const sid = res.get("Session-ID");
          this.runNow(
            this.engine.receiveAnswer(id, {
              callInfo: this.coexEnabled ? res.getAll("Call-Info") : [],
              ...(this.coexEnabled && sid !== undefined ? { sessionId: sid } : {}),
            }),
          );
          this.refreshPresence();
        }),
      () => {},
    );
    void call.ended.then((end) => this.enqueue(() => this.sipCallEnded(live, end)));
  }

  private async reinvite(id: string, media: readonly Media[]): Promise<void> {
    const live = this.calls.get(id);
    if (!live || live.ended || !live.sip) return;
    if (media.includes("video")) live.media.addVideo();
    else live.media.removeVideo();
    live.lastMedia = media;
    try {
      const res = await live.sip.reinvite();
      if (res.status >= 300) {
        this.log("warn", "sip", `re-INVITE of ${id} answered ${res.status}`);
        live.media.rollbackLocalOffer();
      }
    } catch (e) {
      this.log("warn", "sip", `re-INVITE of ${id} failed: ${(e as Error).message}`);
    }
  }

  private liveCall(id: string): LiveCall {
    const live = this.calls.get(id);
    if (live) return live;
    throw new ApiError(
      "unknown-call",
      `no running call ${JSON.stringify(id)}`,
      "use an id from calls.start, conversations.start or a call.incoming event that has not ended",
    );
  }

  private requireOnline(): void {
    if (this.xmpp.connection.state !== "online") {
      throw new ApiError(
        "not-connected",
        `the XMPP connection is ${this.xmpp.connection.state}`,
        "wait for it to reconnect (see status) and try again",
      );
    }
  }

  // ---- the API (docs/api.md) ----------------------------------------------------------------

  status(): StatusResult {
    const gruu = this.registered?.publicGruu;
    return {
      xmpp: { jid: this.xmpp.jid, connected: this.xmpp.connection.state === "online" },
      sip: {
        aor: this.config.sip.aor.uri,
        ...(gruu ? { gruu: formatUri(gruu) } : {}),
        registered: this.registered !== undefined,
      },
      media: this.mediaFactory.capabilities,
      presence: {
        show: this.own.show,
        ...(this.own.status !== undefined ? { status: this.own.status } : {}),
      },
      activeCalls: this.engine.activeCalls().length,
    };
  }

  private contactView(jid: string): ContactView {
    const item = this.xmpp.roster.get(jid);
    const presence = this.presenceOf.get(jid);
    const integrated = this.engine.contact(jid)?.integrated;
    return {
      jid,
      ...(item?.name !== undefined ? { name: item.name } : {}),
      subscription: item?.subscription ?? "none",
      ...(item?.pendingOut ? { pendingOut: true } : {}),
      ...(presence ? { presence } : {}),
      ...(integrated !== undefined ? { integrated } : {}),
    };
  }

  "contacts.list"(): ResultOf<"contacts.list"> {
    return { contacts: this.xmpp.roster.list().map((i) => this.contactView(i.jid)) };
  }

  async "contacts.add"(p: ParamsOf<"contacts.add">): Promise<ResultOf<"contacts.add">> {
    this.requireOnline();
    await this.xmpp.roster.set({ jid: p.jid, ...(p.name !== undefined ? { name: p.name } : {}) });
    this.xmpp.subscriptions.request(p.jid);
    return { contact: { ...this.contactView(p.jid), pendingOut: true } };
  }

  "contacts.approve"(p: ParamsOf<"contacts.approve">): ResultOf<"contacts.approve"> {
    this.requireOnline();
    if (p.approve) {
      this.xmpp.subscriptions.approve(p.jid);
      // Mutual presence is what a chat contact expects (RFC 6121 §3.1.5: ask back).
      const item = this.xmpp.roster.get(p.jid);
      if (!item || (item.subscription !== "to" && item.subscription !== "both" && !item.pendingOut))
        this.xmpp.subscriptions.request(p.jid);
    } else this.xmpp.subscriptions.deny(p.jid);
    return { jid: p.jid, approved: p.approve };
  }

  "presence.set"(p: ParamsOf<"presence.set">): ResultOf<"presence.set"> {
    this.own = { show: p.show, ...(p.status !== undefined ? { status: p.status } : {}) };
    this.refreshPresence();
    return this.own;
  }

  "conversations.list"(): ResultOf<"conversations.list"> {
    const list = [...this.engine.conversations()]
      .sort((a, b) => b.lastActivity - a.lastActivity)
      .map(conversationSummary);
    return { conversations: list };
  }

  "conversations.get"(p: ParamsOf<"conversations.get">): ResultOf<"conversations.get"> {
    const conv = this.engine.conversation(p.conversation);
    const detail = conversationDetail(conv, (id) => this.store.message(id)?.state);
    this.markShown(conv.messages.filter((m) => m.direction === "in").map((m) => m.id));
    return detail;
  }

  async "conversations.start"(
    p: ParamsOf<"conversations.start">,
  ): Promise<ResultOf<"conversations.start">> {
    if (p.text !== undefined) this.requireOnline();
    let result: ResultOf<"conversations.start"> | undefined;
    await this.enqueue(() => {
      const peer = p.peer.protocol === "xmpp" ? { jid: p.peer.jid } : { sip: p.peer.uri };
      const r = this.engine.startConversation(peer, {
        ...(p.text !== undefined ? { text: p.text } : {}),
        ...(p.media !== undefined ? { media: p.media } : {}),
        force: p.force,
      });
      this.runNow(r.actions);
      const message = firstMessage(r.actions);
      const call = r.actions.find((a) => a.type === "sip.invite");
      result = {
        conversation: r.conversation,
        ...(message ? { message } : {}),
        ...(call && call.type === "sip.invite" ? { call: call.call } : {}),
      };
    });
    return result!;
  }

  async "messages.send"(p: ParamsOf<"messages.send">): Promise<ResultOf<"messages.send">> {
    this.engine.conversation(p.conversation);
    this.requireOnline();
    let message: MessageView | undefined;
    await this.enqueue(() => {
      const actions = this.engine.sendText(p.conversation, p.text, { force: p.force });
      this.runNow(actions);
      message = firstMessage(actions);
    });
    return { message: message! };
  }

  async "calls.start"(p: ParamsOf<"calls.start">): Promise<ResultOf<"calls.start">> {
    this.engine.conversation(p.conversation);
    let call = "";
    await this.enqueue(() => {
      const r = this.engine.startCall(p.conversation, p.media);
      call = r.call;
      this.runNow(r.actions);
    });
    return { conversation: p.conversation, call };
  }

  async "calls.answer"(p: ParamsOf<"calls.answer">): Promise<ResultOf<"calls.answer">> {
    const live = this.liveCall(p.call);
    if (!(live.sip instanceof IncomingCall) || live.sip.state === "confirmed") {
      throw new ApiError(
        "invalid-state",
        `call ${p.call} is not ringing here`,
        "answer an incoming call announced by call.incoming that is still ringing",
      );
    }
    if (p.media && !p.media.includes("video")) live.media.removeVideo();
    await this.enqueue(() => this.answer(p.call));
    return { call: p.call, state: "active" };
  }

  async "calls.reject"(p: ParamsOf<"calls.reject">): Promise<ResultOf<"calls.reject">> {
    const live = this.liveCall(p.call);
    if (!(live.sip instanceof IncomingCall) || live.sip.state === "confirmed" || live.ended) {
      throw new ApiError(
        "invalid-state",
        `call ${p.call} is not ringing here`,
        "reject only a ringing incoming call; use calls.hangup for one that is up",
      );
    }
    // 486 Busy Here or 603 Decline (RFC 3261 §21.4.24, §21.6.2).
    live.sip.reject(p.reason === "busy" ? 486 : 603);
    return {};
  }

  async "calls.hangup"(p: ParamsOf<"calls.hangup">): Promise<ResultOf<"calls.hangup">> {
    const live = this.liveCall(p.call);
    if (live.ended) return {};
    const sip = live.sip;
    if (!sip) live.hangupRequested = true;
    else if (sip instanceof OutgoingCall && sip.state !== "confirmed") await sip.cancel();
    else if (sip instanceof IncomingCall && sip.state !== "confirmed") sip.reject(603);
    else await sip.bye();
    return {};
  }

  async "calls.update"(p: ParamsOf<"calls.update">): Promise<ResultOf<"calls.update">> {
    const live = this.liveCall(p.call);
    if (live.ended || !live.sip || live.sip.state !== "confirmed") {
      throw new ApiError(
        "invalid-state",
        `call ${p.call} is not up`,
        "change the media of an answered call; wait for call.state active",
      );
    }
    if (!p.media.includes("audio") && !p.media.includes("video")) {
      throw new ApiError("invalid-state", "a call needs some media", "give audio, video or both");
    }
    if (p.media.includes("video") && !this.mediaFactory.capabilities.includes("video")) {
      throw new ApiError(
        "invalid-state",
        "video is switched off in this endpoint's configuration",
        "list VP8 in media.codecs.video",
      );
    }
    await this.enqueue(() => {
      this.runNow(this.engine.updateCallMedia(p.call, p.media, "local"));
    });
    return { call: p.call, media: p.media };
  }

  "calls.dtmf"(p: ParamsOf<"calls.dtmf">): ResultOf<"calls.dtmf"> {
    const live = this.liveCall(p.call);
    if (live.ended || live.sip?.state !== "confirmed") {
      throw new ApiError(
        "invalid-state",
        `call ${p.call} is not up`,
        "send DTMF in an answered call",
      );
    }
    live.media.sendDtmf(p.digits, p.durationMs);
    return {};
  }

  async discover(p: ParamsOf<"discover">): Promise<ResultOf<"discover">> {
    const none = { level: "none" as const, reason: "no-correlation-data" as const };
    const req = this.ua.newRequest("OPTIONS", p.sip);
    req.append("Accept", "application/sdp");
    let res: SipResponse;
    try {
      res = await this.ua.request(req);
    } catch (e) {
      throw new ApiError(
        "call-failed",
        `OPTIONS to ${p.sip} got no answer: ${(e as Error).message}`,
        "check the address; the SIP network may also be unreachable (see status)",
      );
    }
    if (res.status >= 300) {
      throw new ApiError(
        "call-failed",
        `OPTIONS to ${p.sip} was answered ${res.status} ${res.reason}`,
        res.status === 404 || res.status === 480
          ? "nobody is registered at that address now"
          : "the address may be wrong, or its owner's device is offline",
        { status: res.status },
      );
    }
    if (!this.coexEnabled) return { sip: p.sip, jid: null, binding: none };
    let out: ResultOf<"discover"> = { sip: p.sip, jid: null, binding: none };
    await this.enqueue(() => {
      const r = this.engine.learnFromOptions(p.sip, res.getAll("Call-Info"));
      this.runNow(r.actions);
      if (r.jid !== undefined) {
        const link = this.engine.discoveredLink(p.sip);
        out = {
          sip: p.sip,
          jid: r.jid,
          binding: { level: r.level, reason: link?.reason ?? "discovery" },
        };
      }
    });
    return out;
  }

  "policy.get"(): ResultOf<"policy.get"> {
    return this.engine.policy;
  }

  "policy.set"(p: ParamsOf<"policy.set">): ResultOf<"policy.set"> {
    const current = this.engine.policy;
    const next = {
      discovery: p.discovery ? { allow: [...p.discovery.allow] } : current.discovery,
      expiry: { ...current.expiry, ...(p.expiry ?? {}) },
    };
    const policy = this.engine.setPolicy(next);
    this.store.setPolicy(policy);
    return policy;
  }

  /** For tests and diagnostics: the engine's view of a conversation. */
  conversationRecord(id: string): Conversation {
    return this.engine.conversation(id);
  }
}

function ownState(show: Exclude<OwnShow, "available"> | undefined, status?: string): OwnState {
  return { ...(show !== undefined ? { show } : {}), ...(status !== undefined ? { status } : {}) };
}

function firstMessage(actions: readonly Action[]): MessageView | undefined {
  for (const a of actions) {
    if (a.type !== "event") continue;
    const e = a.event;
    if (e.type === "message.sent" || e.type === "message.held") return messageView(e.message);
  }
  return undefined;
}
