// One XMPP client session over @xmpp/client 0.14: transport choice (TCP+STARTTLS, direct TLS,
// WebSocket), SASL mechanism choice, resource binding, XEP-0198 resumption, automatic
// reconnection with backoff and jitter, XEP-0199 keep-alive, and typed failures. Feature modules
// (messages, roster, …) sit on top and see only typed events and `send`/`request`.
import {
  client as createXmppClient,
  type Element,
  type XmppEntity,
  type XmppLibraryError,
} from "@xmpp/client";
import { type Clock, systemClock, type TimerHandle } from "../common/clock.js";
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from "./backoff.js";
import { TypedEmitter } from "./emitter.js";
import { isRetryable, XmppConnectionError, XmppStanzaError, XmppTimeoutError } from "./errors.js";
import { newStanzaId } from "./id.js";
import {
  DEFAULT_MAX_STANZA_BYTES,
  describeStanza,
  inboundProblem,
  isStanza,
} from "./inbound-guard.js";
import { bareOf, formatJid, normalJid, parseJid } from "./jid.js";
import { consoleLogger, type XmppLogger } from "./log.js";
import { buildPing } from "./protocol/ping.js";
import {
  buildStanzaErrorElement,
  parseStanzaError,
  type StanzaErrorInfo,
} from "./protocol/stanza-error.js";
import { SCRAM_REGISTRY, ScramSha1Mechanism, ScramSha256Mechanism } from "./scram.js";
import { ensureWebSocketGlobal, serviceTransport, type XmppTransportKind } from "./transport.js";
import type { XmlElement } from "./xml.js";

export interface XmppConnectionConfig {
  /** The account's bare JID. */
  readonly jid: string;
  readonly password: string;
  /** The resource we ask the server to bind (RFC 6120 §7); the server may still change it. */
  readonly resource?: string;
  /**
   * Where to connect: `xmpp://host:port` (TCP, STARTTLS), `xmpps://host:port` (direct TLS,
   * XEP-0368), `ws://…` or `wss://…` (RFC 7395 WebSocket).
   */
  readonly service: string;
  /**
   * "required" (default): never authenticate over an unencrypted link. "none": allow plaintext
   * (local test servers only).
   */
  readonly tls?: "required" | "none";
  readonly clock?: Clock;
  readonly logger?: XmppLogger;
  /** Automatic reconnection after the link drops; on by default. */
  readonly reconnect?: false | (Partial<BackoffPolicy> & { readonly random?: () => number });
  /** XEP-0199 keep-alive: a ping after `intervalMs` of silence, dead after `timeoutMs`. */
  readonly keepAlive?: false | { readonly intervalMs?: number; readonly timeoutMs?: number };
  /** Stanzas larger than this (serialised, in bytes) are dropped with a log line. */
  readonly maxStanzaBytes?: number;
  /** Time limit for connecting and for each IQ request. */
  readonly timeoutMs?: number;
}

export type ConnectionState =
  /** Not connected and not trying (before connect(), after disconnect() or a fatal failure). */
  | "offline"
  | "connecting"
  | "online"
  /** The link dropped; waiting for the next attempt or attempting. */
  | "reconnecting";

export interface SessionInfo {
  /** Our full JID as bound. */
  readonly jid: string;
  /** true: XEP-0198 resumed the previous session (nothing lost); false: a new session. */
  readonly resumed: boolean;
}

export interface ConnectionEvents {
  state: [state: ConnectionState];
  /** A session is ready: after the first connect and after every reconnect. */
  session: [session: SessionInfo];
  /** A connection attempt or the live connection failed, and why. */
  failure: [error: XmppConnectionError];
  message: [stanza: XmlElement];
  presence: [stanza: XmlElement];
  /** Stanzas the server never acknowledged on a session that could not be resumed. */
  unacknowledged: [stanza: XmlElement];
}

/** The answer to an IQ request: a result (with a child or empty) or a stanza error. */
export type IqAnswer = { readonly result: XmlElement | null } | { readonly error: StanzaErrorInfo };

/** `from` is absent when the request came from our own account's server session (RFC 6120 §8.1.2.1). */
export type IqHandler = (
  request: XmlElement,
  from: string | undefined,
) => IqAnswer | Promise<IqAnswer>;

const DEFAULT_TIMEOUT_MS = 15_000;
const NS_SM = "urn:xmpp:sm:3"; // XEP-0198
const NS_STREAMS = "http://etherx.jabber.org/streams"; // RFC 6120 §4.3.2

interface PendingSend {
  readonly seq: number;
  readonly stanza: XmlElement;
}

export class XmppConnection {
  readonly events: TypedEmitter<ConnectionEvents>;
  /** For logs (`--trace xmpp`): every top-level element read from or written to the stream. */
  onTrace: ((dir: "in" | "out", element: XmlElement) => void) | undefined;
  private readonly clock: Clock;
  private readonly log: XmppLogger;
  private readonly entity: XmppEntity;
  private readonly maxStanzaBytes: number;
  private readonly timeoutMs: number;
  private readonly backoff: (BackoffPolicy & { random: () => number }) | null;
  private currentState: ConnectionState = "offline";
  private wanted = false;
  private attempt = 0;
  private reconnectTimer: TimerHandle | undefined;
  private keepAliveTimer: TimerHandle | undefined;
  private lastInbound = 0;
  private sendSeq = 0;
  /** Stanzas that could not be written (link down); flushed, in order, on the next session. */
  private pending: PendingSend[] = [];
  /** A failure seen during the current attempt, kept to explain the disconnect that follows. */
  private attemptFailure: XmppConnectionError | undefined;
  private boundJid = "";
  private attempting = false;
  private nextAttemptDue: number | null = null;
  private inboundCount = 0;
  private readonly pendingIqs = new Map<
    string,
    {
      what: string;
      to: string | undefined;
      resolve: (s: XmlElement) => void;
      reject: (e: Error) => void;
    }
  >();
  private readonly transport: XmppTransportKind;
  private unacknowledged: XmlElement[] = [];
  // Parsed once: feature modules read these for every stanza.
  private readonly accountDomain: string;
  private readonly accountBareJid: string;
  /** The stream features the server announced last (RFC 6120 §4.3.2): those of the session. */
  private features: XmlElement | undefined;

  constructor(private readonly config: XmppConnectionConfig) {
    this.clock = config.clock ?? systemClock;
    this.log = config.logger ?? consoleLogger;
    this.events = new TypedEmitter((err) => this.log.warn(`a listener threw: ${String(err)}`));
    this.maxStanzaBytes = config.maxStanzaBytes ?? DEFAULT_MAX_STANZA_BYTES;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.backoff =
      config.reconnect === false
        ? null
        : { ...DEFAULT_BACKOFF, random: Math.random, ...(config.reconnect ?? {}) };

    const account = parseJid(config.jid);
    if (!account?.local) {
      throw new XmppConnectionError(
        "bad-config",
        `"${config.jid}" is not a bare JID like user@example.org`,
      );
    }
    const transport = serviceTransport(config.service);
    if (!transport) {
      throw new XmppConnectionError(
        "bad-config",
        `service "${config.service}" must start with xmpp://, xmpps://, ws:// or wss://`,
      );
    }
    this.transport = transport;
    this.accountDomain = account.domain;
    this.accountBareJid = formatJid(bareOf(account));

    this.entity = createXmppClient({
      service: config.service,
      domain: account.domain,
      ...(config.resource ? { resource: config.resource } : {}),
      timeout: this.timeoutMs,
      credentials: (authenticate, mechanisms, _fast, entity) =>
        this.authenticate(authenticate, mechanisms, entity.isSecure(), account.local),
    });
    // Reconnection is ours (Clock-driven, with jitter and typed reasons), not the library's.
    this.entity.reconnect.stop();
    this.entity.saslFactory.use(
      SCRAM_REGISTRY["SCRAM-SHA-256"]!.registryName,
      ScramSha256Mechanism,
    );
    this.entity.saslFactory.use(SCRAM_REGISTRY["SCRAM-SHA-1"]!.registryName, ScramSha1Mechanism);
    this.guardInbound();
    this.takeOverInboundCounting();
    this.wireEvents();
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /**
   * When the next reconnection attempt is due (on the connection's Clock), or null when none is
   * scheduled (online, offline, or an attempt is running).
   */
  get nextAttemptAt(): number | null {
    return this.nextAttemptDue;
  }

  /** Our full JID as last bound ("" before the first session). */
  get jid(): string {
    return this.boundJid;
  }

  /** The account's bare JID. */
  get bareJid(): string {
    return this.config.jid;
  }

  /** Whether XEP-0198 is active on the current session (acks, and resumption if the link drops). */
  get streamManagementEnabled(): boolean {
    return this.entity.streamManagement.enabled;
  }

  /** Stanzas sent but not yet acknowledged by the server (XEP-0198), plus those still waiting to be sent. */
  get unacknowledgedCount(): number {
    return this.entity.streamManagement.outbound_q.length + this.pending.length;
  }

  /**
   * Whether the server announced the stream feature `name` in `ns` on the current stream (the
   * features after authentication are the last the server sends, RFC 6120 §4.3.2); e.g.
   * RFC 6121 §2.6.1's roster versioning, `ver` in `urn:xmpp:features:rosterver`.
   */
  offersStreamFeature(name: string, ns: string): boolean {
    return this.features?.getChild(name, ns) !== undefined;
  }

  /** Whether the link is encrypted (TLS, or a WebSocket the library deems secure). */
  get secure(): boolean {
    return this.entity.isSecure();
  }

  /** Connects and resolves once the first session is ready; rejects with XmppConnectionError. */
  async connect(): Promise<SessionInfo> {
    if (this.wanted) throw new Error("connect() called twice; call disconnect() first");
    this.wanted = true;
    this.setState("connecting");
    try {
      if (this.transport === "websocket") await ensureWebSocketGlobal();
      return await this.runAttempt();
    } catch (err) {
      this.wanted = false;
      this.setState("offline");
      throw err;
    }
  }

  /** Closes the stream politely and stops reconnecting. */
  async disconnect(): Promise<void> {
    this.wanted = false;
    this.clock.clearTimeout(this.reconnectTimer);
    this.nextAttemptDue = null;
    this.clock.clearTimeout(this.keepAliveTimer);
    this.unacknowledged = [];
    this.failPendingIqs("disconnected");
    if (this.entity.status !== "offline") {
      try {
        await this.entity.stop();
      } catch {
        this.destroySocket();
      }
    }
    this.setState("offline");
  }

  /**
   * Sends a stanza. While the link is down (and reconnection is on) it is kept and sent, in
   * order, when the next session starts; XEP-0198 covers what was written but not acknowledged.
   * Throws XmppConnectionError when offline (before connect(), after disconnect()).
   */
  send(stanza: XmlElement): void {
    if (this.currentState === "offline") {
      throw new XmppConnectionError(
        "connection-lost",
        `cannot send <${stanza.name}/>: not connected`,
      );
    }
    const item = { seq: this.sendSeq++, stanza };
    if (this.currentState !== "online" || this.pending.length > 0) {
      this.keep(item);
      return;
    }
    this.entity.send(stanza).catch(() => this.keep(item));
  }

  /**
   * Sends an IQ get/set and resolves with the result stanza; errors are typed. The time limit
   * runs on our Clock; the reply must come from the entity we asked (RFC 6120 §8.1.2.1), so a
   * third party cannot answer in its place.
   */
  request(iq: XmlElement, what: string, timeoutMs = this.timeoutMs): Promise<XmlElement> {
    if (this.currentState !== "online") {
      return Promise.reject(
        new XmppConnectionError("connection-lost", `cannot send ${what}: not connected`),
      );
    }
    iq.attrs.id ??= newStanzaId();
    const id = iq.attrs.id;
    return new Promise<XmlElement>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.pendingIqs.delete(id);
        reject(new XmppTimeoutError(what, timeoutMs));
      }, timeoutMs);
      this.pendingIqs.set(id, {
        what,
        to: iq.attrs.to,
        resolve: (stanza) => {
          this.clock.clearTimeout(timer);
          resolve(stanza);
        },
        reject: (err) => {
          this.clock.clearTimeout(timer);
          reject(err);
        },
      });
      this.send(iq);
    });
  }

  /** Settles a pending request with its reply, if `stanza` is one. */
  private onIqReply(stanza: XmlElement): boolean {
    const type = stanza.attrs.type;
    const id = stanza.attrs.id;
    if (stanza.name !== "iq" || (type !== "result" && type !== "error") || !id) return false;
    const pending = this.pendingIqs.get(id);
    if (!pending) return false;
    const from = stanza.attrs.from;
    const own = [this.config.jid, this.boundJid, this.domain].map((j) => normalJid(j));
    const expected = pending.to ? [normalJid(pending.to)] : [...own, null];
    if (!expected.includes(from ? normalJid(from) : null)) {
      this.log.warn(
        `ignored a reply to ${pending.what} from ${from}: we asked ${pending.to ?? "our server"}`,
      );
      return false;
    }
    this.pendingIqs.delete(id);
    if (type === "result") pending.resolve(stanza);
    else {
      const info = parseStanzaError(stanza) ?? {
        type: "cancel" as const,
        condition: "undefined-condition",
      };
      pending.reject(new XmppStanzaError(pending.what, info));
    }
    return true;
  }

  /** Fails every request still waiting (its session is gone). */
  private failPendingIqs(why: string): void {
    const pending = [...this.pendingIqs.values()];
    this.pendingIqs.clear();
    for (const p of pending)
      p.reject(new XmppConnectionError("connection-lost", `${p.what}: ${why}`));
  }

  /** Answers IQ requests of `type` whose child is `name` in `ns` (RFC 6120 §8.2.3). */
  handleIq(type: "get" | "set", ns: string, name: string, handler: IqHandler): void {
    const register = type === "get" ? this.entity.iqCallee.get : this.entity.iqCallee.set;
    register.call(this.entity.iqCallee, ns, name, async (ctx) => {
      const answer = await handler(ctx.element, ctx.stanza.attrs.from);
      if ("error" in answer) return buildStanzaErrorElement(answer.error);
      // @xmpp/iq's callee sends an empty result for a truthy non-element answer.
      return answer.result ?? ({} as Element);
    });
  }

  /** The account's domain: the server's address. */
  get domain(): string {
    return this.accountDomain;
  }

  /** The account's bare JID, normalised (RFC 7622): what our own messages come from. */
  get ownBareJid(): string {
    return this.accountBareJid;
  }

  /**
   * Cuts the link without closing the stream, as a network failure would. For tests of
   * XEP-0198 resumption and for the keep-alive's dead-link handling.
   */
  destroySocket(): void {
    const s = this.entity.socket;
    if (!s) return;
    if (typeof s.destroy === "function")
      s.destroy(); // TCP and TLS sockets
    else if (typeof s.socket?.terminate === "function")
      s.socket.terminate(); // ws: no close frame
    else s.socket?.close?.(); // a browser WebSocket offers no abrupt close
  }

  // ---- internals ----

  private setState(state: ConnectionState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.events.emit("state", state);
  }

  private async authenticate(
    authenticate: (c: { username: string; password: string }, mechanism: string) => Promise<void>,
    offered: string[],
    secure: boolean,
    username: string,
  ): Promise<void> {
    const plaintextAllowed = this.config.tls === "none";
    // RFC 6120 §5.3.1: with TLS required we must not go on over an unencrypted stream.
    if (!secure && !plaintextAllowed) {
      throw new XmppConnectionError(
        "tls-required",
        `${this.config.service} offered no STARTTLS and the configuration requires TLS`,
      );
    }
    // Strongest first; PLAIN only over an encrypted link or where plaintext is allowed.
    const preference = ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"];
    const mechanism = preference.find(
      (m) => offered.includes(m) && (m !== "PLAIN" || secure || plaintextAllowed),
    );
    if (!mechanism) {
      throw new XmppConnectionError(
        "auth-failed",
        `no acceptable SASL mechanism among those offered (${offered.join(", ") || "none"})`,
      );
    }
    const registryName = SCRAM_REGISTRY[mechanism]?.registryName ?? mechanism;
    await authenticate({ username, password: this.config.password }, registryName);
  }

  /**
   * @xmpp/stream-management 0.14 resets its inbound counter when the promise for <enabled/>
   * settles, a few microtasks after the element was parsed: stanzas parsed from the same chunk
   * in between are lost from 'h', and the server then re-sends them on resumption (duplicates).
   * Our guard sees every element synchronously and in order, so its count is the one the library
   * reads; the library's own writes to the counter are ignored.
   */
  private takeOverInboundCounting(): void {
    Object.defineProperty(this.entity.streamManagement, "inbound", {
      get: () => this.inboundCount,
      set: () => {},
      configurable: true,
    });
  }

  /** Drops hostile stanzas before @xmpp/client parses their addresses (which can throw). */
  private guardInbound(): void {
    const original = this.entity._onElement.bind(this.entity);
    this.entity._onElement = (el: Element) => {
      this.lastInbound = this.clock.now();
      // XEP-0198 §4: 'h' counts the stanzas received since <enabled/>; counted here, in
      // arrival order, dropped ones included (dropping is handling).
      if (el.is("enabled", NS_SM)) this.inboundCount = 0;
      else if (isStanza(el)) this.inboundCount += 1;
      else if (el.is("features", NS_STREAMS)) this.features = el;
      const problem = inboundProblem(el, this.maxStanzaBytes);
      if (problem) {
        this.log.warn(`dropped ${describeStanza(el)} from the server: ${problem}`);
        return;
      }
      try {
        original(el);
      } catch (err) {
        this.log.warn(`handling ${describeStanza(el)} failed: ${String(err)}`);
      }
    };
  }

  private wireEvents(): void {
    const entity = this.entity;
    entity.on("error", (err) => {
      const failure = classifyError(err);
      this.log.info(`connection error: ${failure.message}`);
      // Keep what explains the disconnect that follows (a stream error, a socket error); other
      // errors (a feature handler that threw) are only logged.
      if (this.attempting || failure.reason !== "connection-lost") this.attemptFailure ??= failure;
    });
    entity.on("element", (el) => this.onTrace?.("in", el));
    entity.on("send", (el) => this.onTrace?.("out", el));
    entity.on("stanza", (el) => {
      if (this.onIqReply(el)) return;
      if (el.name === "message") this.events.emit("message", el);
      else if (el.name === "presence") this.events.emit("presence", el);
    });
    entity.on("online", (jid) => this.sessionReady(jid.toString(), false));
    entity.streamManagement.on("resumed", () =>
      this.sessionReady(entity.jid?.toString() ?? this.boundJid, true),
    );
    entity.streamManagement.on("fail", (stanza) => {
      if (stanza.name === "message" && this.wanted) this.unacknowledged.push(stanza);
      this.events.emit("unacknowledged", stanza);
    });
    entity.on("disconnect", () => this.linkLost());
    // Chat is many small writes: without TCP_NODELAY, Nagle's algorithm meets the peer's delayed
    // ACK and each stanza can wait ~40 ms (RFC 896, RFC 1122 §4.2.3.2).
    entity.on("status", (status) => {
      if (status === "connect") disableNagle(entity.socket);
    });
  }

  private sessionReady(jid: string, resumed: boolean): void {
    // Requests of a session that could not be resumed will never be answered.
    if (!resumed) this.failPendingIqs("the session was replaced by a new one");
    this.boundJid = jid;
    this.attempt = 0;
    this.attemptFailure = undefined;
    this.lastInbound = this.clock.now();
    const requested = this.config.resource;
    if (!resumed && requested && parseJid(jid)?.resource !== requested) {
      this.log.info(
        `the server bound resource "${parseJid(jid)?.resource}" instead of "${requested}"`,
      );
    }
    this.setState("online");
    this.flushPending();
    this.scheduleKeepAlive();
    this.events.emit("session", { jid, resumed });
  }

  private keep(item: PendingSend): void {
    // Keep send order even when write failures are reported after later sends.
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1]!.seq > item.seq) i--;
    this.pending.splice(i, 0, item);
  }

  private flushPending(): void {
    // Messages the server never acknowledged on a session it refused to resume go first: they
    // were sent before anything still waiting here (XEP-0198 §5 leaves resending to us).
    const unacknowledged = this.unacknowledged.map((stanza) => ({ seq: -1, stanza }));
    this.unacknowledged = [];
    const items = [...unacknowledged, ...this.pending];
    this.pending = [];
    for (const item of items) {
      this.entity.send(item.stanza).catch(() => this.keep(item));
    }
  }

  private linkLost(): void {
    this.clock.clearTimeout(this.keepAliveTimer);
    // A failing attempt is reported by runAttempt; a deliberate disconnect needs no report.
    if (this.attempting || this.currentState === "offline") return;
    const failure =
      this.attemptFailure ??
      new XmppConnectionError("connection-lost", `lost the link to ${this.config.service}`);
    this.attemptFailure = undefined;
    if (this.wanted) this.events.emit("failure", failure);
    if (!this.wanted || !this.backoff || !isRetryable(failure.reason)) {
      this.wanted = false;
      this.setState("offline");
      return;
    }
    this.setState("reconnecting");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const policy = this.backoff;
    if (!policy || !this.wanted) return;
    const delay = backoffDelay(policy, this.attempt, policy.random);
    this.attempt += 1;
    this.clock.clearTimeout(this.reconnectTimer);
    this.nextAttemptDue = this.clock.now() + delay;
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.nextAttemptDue = null;
      this.runAttempt().catch((err: XmppConnectionError) => {
        this.events.emit("failure", err);
        if (!this.wanted) return;
        if (isRetryable(err.reason)) this.scheduleReconnect();
        else {
          this.wanted = false;
          this.setState("offline");
        }
      });
    }, delay);
  }

  /** One attempt: open the link and negotiate until online/resumed or a failure. */
  private runAttempt(): Promise<SessionInfo> {
    const entity = this.entity;
    this.attemptFailure = undefined;
    this.attempting = true;
    return new Promise<SessionInfo>((resolve, reject) => {
      let settled = false;
      const timer = this.clock.setTimeout(
        () => finish(new XmppConnectionError("timeout", `no session within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const offSession = this.events.on("session", (s) => finish(null, s));
      const onStatus = (status: string) => {
        if (status === "disconnect") {
          finish(
            this.attemptFailure ??
              new XmppConnectionError("connection-lost", "the server closed the connection"),
          );
        }
      };
      const onError = (err: Error) => {
        const failure = classifyError(err);
        // Errors that end the attempt; a socket error is followed by 'disconnect' anyway.
        if (!isRetryable(failure.reason) || failure.reason === "stream-error") finish(failure);
      };
      entity.on("status", onStatus);
      entity.on("error", onError);
      const cleanup = () => {
        this.clock.clearTimeout(timer);
        offSession();
        entity.removeListener("status", onStatus);
        entity.removeListener("error", onError);
      };
      const finish = (err: XmppConnectionError | null, session?: SessionInfo) => {
        if (settled) return;
        settled = true;
        this.attempting = false;
        cleanup();
        if (err) {
          this.attemptFailure = undefined;
          // Leave nothing half-open behind a failed attempt.
          this.destroySocket();
          reject(err);
        } else resolve(session!);
      };
      // What Connection.start() does, minus its "must be offline" check, so that the same path
      // serves the first attempt and every reconnect (which may resume, XEP-0198 §5).
      const { service, domain } = entity.options;
      const open = async () => {
        await entity.connect(service);
        await entity.open({ domain });
      };
      open().catch((err: Error) => finish(classifyError(err)));
    });
  }

  private scheduleKeepAlive(): void {
    const opts = this.config.keepAlive;
    if (opts === false) return;
    const intervalMs = opts?.intervalMs ?? 60_000;
    const timeoutMs = opts?.timeoutMs ?? 20_000;
    this.clock.clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = this.clock.setTimeout(async () => {
      if (this.currentState !== "online") return;
      const silentFor = this.clock.now() - this.lastInbound;
      if (silentFor < intervalMs) {
        this.scheduleKeepAlive();
        return;
      }
      try {
        await this.request(buildPing(this.domain), "XEP-0199 ping", timeoutMs);
      } catch (err) {
        if (err instanceof XmppTimeoutError) {
          this.log.warn(`no answer to a ping within ${timeoutMs} ms: treating the link as dead`);
          this.attemptFailure = new XmppConnectionError(
            "timeout",
            "the server stopped answering pings",
          );
          this.destroySocket();
          return;
        }
        // An error reply still proves the link is alive (XEP-0199 §6).
      }
      this.scheduleKeepAlive();
    }, intervalMs);
  }
}

/** Sets TCP_NODELAY on the socket of a TCP or TLS transport (WebSocket has no such knob here). */
function disableNagle(socket: unknown): void {
  const s = socket as {
    setNoDelay?: (on: boolean) => void;
    socket?: { setNoDelay?: (on: boolean) => void };
  } | null;
  if (typeof s?.setNoDelay === "function") s.setNoDelay(true);
  else if (typeof s?.socket?.setNoDelay === "function") s.socket.setNoDelay(true);
}

/** Maps whatever @xmpp/client or Node reported to a typed failure. */
export function classifyError(err: unknown): XmppConnectionError {
  if (err instanceof XmppConnectionError) return err;
  const e = err as Partial<XmppLibraryError> & { code?: string; message?: string };
  const message = e?.message ?? String(err);
  if (e?.name === "SASLError") {
    if (e.condition === "not-authorized") {
      return new XmppConnectionError(
        "bad-password",
        "the server rejected the credentials",
        e.condition,
      );
    }
    return new XmppConnectionError("auth-failed", message, e.condition);
  }
  if (e?.name === "StreamError") {
    if (e.condition === "conflict") {
      return new XmppConnectionError(
        "conflict",
        "the server replaced this session with a newer login",
        e.condition,
      );
    }
    return new XmppConnectionError("stream-error", message, e.condition);
  }
  const code = e?.code ?? "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new XmppConnectionError("host-not-found", message, code);
  }
  if (["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ECONNERROR"].includes(code)) {
    return new XmppConnectionError("connection-refused", message, code);
  }
  if (
    /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code) ||
    /certificate|ssl|tls|STARTTLS_FAILURE/i.test(message)
  ) {
    return new XmppConnectionError("tls-failure", message, code || undefined);
  }
  if (e?.name === "TimeoutError" || code === "ETIMEDOUT") {
    return new XmppConnectionError("timeout", message, code || undefined);
  }
  return new XmppConnectionError("connection-lost", message, code || undefined);
}
