// The user agent core (RFC 3261 §8, §17 glue): sends requests through client transactions with
// digest retries (§22.2), receives requests through server transactions, screens them (§8.2),
// and hands them to dialogs, calls and the application.
import type { Clock } from "../../common/clock.js";
import { type Credentials, DigestSession } from "../auth/index.js";
import {
  formatNameAddr,
  formatUri,
  type HeaderField,
  headerKey,
  isSipUri,
  type NameAddr,
  type PartialMessage,
  parseUri,
  REASON_PHRASES,
  responseTo,
  type SipMessage,
  SipParseError,
  SipRequest,
  SipResponse,
  type SipUri,
  type Uri,
  uriParam,
} from "../message/index.js";
import {
  clientKeyOfResponse,
  DEFAULT_TIMERS,
  InviteClientTransaction,
  InviteServerTransaction,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  serverKey,
  type TimerValues,
  type TransactionSink,
} from "../transaction/index.js";
import type { Flow, SipTransportLayer, Target, TransportName } from "../transport/types.js";
import { responseDestination, stampTopVia } from "../transport/via-received.js";
import { ACCEPT_HEADER, ALLOW_HEADER, SUPPORTED_HEADER } from "./capabilities.js";
import { type Dialog, dialogKey } from "./dialog.js";
import { newBranch, newCallId, newTag, newUuid, randomHex } from "./ids.js";
import { screenRequest } from "./screening.js";
import type { SessionDescriptionHandlerFactory } from "./session-description.js";

export type Resolver = (uri: Uri, preferred: TransportName) => Promise<Target[]>;

export interface UserAgentOptions {
  readonly transport: SipTransportLayer;
  readonly clock: Clock;
  /** Our address-of-record, e.g. "sip:alice@voip.example.test". */
  readonly aor: string;
  readonly displayName?: string;
  readonly credentials?: Credentials;
  /** Every out-of-dialog request goes here first (a loose-routing proxy), e.g. "sip:127.0.0.1:5060;lr". */
  readonly outboundProxy?: string;
  /** Transport for URIs that name none. */
  readonly preferredTransport?: TransportName;
  /** RFC 3263 resolution; default: numeric hosts only. */
  readonly resolver?: Resolver;
  readonly timers?: TimerValues;
  /** RFC 5626 instance id ("urn:uuid:…"); a new one by default. */
  readonly instanceId?: string;
  readonly userAgent?: string;
  /** Treat every request as carrying rport (as Kamailio's force_rport), answering to its source. */
  readonly forceRport?: boolean;
  readonly sessionDescription?: SessionDescriptionHandlerFactory;
}

export interface ResponseHandlers {
  onResponse(response: SipResponse): void;
  onTimeout?(): void;
  /** The request was re-sent with credentials (new branch and CSeq). */
  onRetry?(request: SipRequest): void;
  /** The flow the request went out on. */
  onFlow?(flow: Flow): void;
}

/** How a request we sent ended, for the simple request/response API. */
export class RequestTimeoutError extends Error {
  override readonly name = "RequestTimeoutError";
}

export interface IncomingRequestContext {
  readonly request: SipRequest;
  readonly flow: Flow;
  /** Sends a response through the request's server transaction. */
  respond(response: SipResponse): void;
  /** Builds and sends a response with this status. */
  reply(
    status: number,
    opts?: { reason?: string; headers?: Array<[string, string]>; toTag?: string },
  ): SipResponse;
}

/** Something that handles in-dialog requests and stray 2xx (calls). */
export interface DialogUser {
  readonly dialog: Dialog;
  onRequest(ctx: IncomingRequestContext): void;
  onAck(ack: SipRequest): void;
  /** A 2xx that arrived after the INVITE transaction ended (RFC 6026 §8.9: re-ACK it). */
  onStray2xx?(response: SipResponse): void;
  /** The UA is closing: stop timers. */
  abandon?(): void;
}

type ServerTx = InviteServerTransaction | NonInviteServerTransaction;
type ClientTx = InviteClientTransaction | NonInviteClientTransaction;

const defaultResolver: Resolver = async (uri, preferred) => {
  if (!isSipUri(uri)) throw new Error(`cannot route to a ${uri.scheme}: URI`);
  const t = uriParam(uri, "transport");
  const transport = (typeof t === "string" ? t.toUpperCase() : preferred) as TransportName;
  const host = uri.host.name;
  const port = uri.port ?? (transport === "TLS" ? 5061 : 5060);
  return [{ host, port, transport }];
};

export class UserAgent {
  readonly clock: Clock;
  readonly timers: TimerValues;
  readonly transport: SipTransportLayer;
  readonly aor: SipUri;
  readonly instanceId: string;
  readonly options: UserAgentOptions;
  private readonly digest: DigestSession | undefined;
  private readonly clientTxs = new Map<string, ClientTx>();
  private readonly serverTxs = new Map<string, ServerTx>();
  private readonly dialogs = new Map<string, DialogUser>();
  /** Contact to use instead of our transport address (a GRUU, RFC 5627 §4.2). */
  contactOverride: Uri | undefined;
  /**
   * Decorates our answer to an out-of-dialog OPTIONS (§11.2): extra header fields, and
   * parameters for the Contact such as RFC 3840 feature tags (";audio;video").
   */
  onOptions:
    | ((ctx: IncomingRequestContext) => {
        readonly headers?: Array<[string, string]>;
        readonly contactParams?: string;
      })
    | undefined;
  /** New out-of-dialog requests the core does not handle itself (INVITE, MESSAGE). */
  onRequest: ((ctx: IncomingRequestContext) => void) | undefined;
  /** For tests and logs: every message in and out. */
  onTrace: ((dir: "in" | "out", message: SipMessage, flow: Flow) => void) | undefined;
  private readonly wsHost = `${randomHex(5)}.invalid`;
  private closed = false;

  constructor(options: UserAgentOptions) {
    this.options = options;
    this.clock = options.clock;
    this.timers = options.timers ?? DEFAULT_TIMERS;
    this.transport = options.transport;
    const aor = parseUri(options.aor, "AOR");
    if (!isSipUri(aor)) throw new Error(`AOR "${options.aor}" must be a sip: or sips: URI`);
    this.aor = aor;
    this.instanceId = options.instanceId ?? `urn:uuid:${newUuid()}`;
    this.digest = options.credentials
      ? new DigestSession(options.credentials, randomHex)
      : undefined;
    this.transport.setEvents({
      onMessage: ({ message, flow }) => this.receive(message, flow),
      onParseError: ({ error, partial, flow }) =>
        this.answerMalformed(error.message, partial, flow),
    });
  }

  get preferredTransport(): TransportName {
    return this.options.preferredTransport ?? "UDP";
  }

  /** Our From for out-of-dialog requests. */
  localIdentity(tag: string): string {
    const na: NameAddr = {
      uri: this.aor,
      params: [{ name: "tag", value: tag }],
      ...(this.options.displayName ? { displayName: this.options.displayName } : {}),
    };
    return formatNameAddr(na);
  }

  /** Contact URI for a flow: our listening address, or the RFC 7118 §5 .invalid host for WS. */
  contactFor(flow: Flow): Uri {
    if (this.contactOverride) return this.contactOverride;
    const t = flow.transport;
    const user = this.aor.user;
    // RFC 7118 §5.2: "transport=ws" names WebSocket, secured or not (sips: means WSS).
    const tparam = t === "WSS" ? "ws" : t.toLowerCase();
    const params = t === "UDP" ? [] : [{ name: "transport", value: tparam }];
    if (t === "WS" || t === "WSS") {
      return {
        scheme: t === "WSS" ? "sips" : "sip",
        ...(user !== undefined ? { user } : {}),
        host: { kind: "domain", name: this.wsHost },
        params,
        headers: [],
      };
    }
    const local = this.transport.localAddress(t) ?? flow.local;
    return {
      scheme: t === "TLS" ? "sips" : "sip",
      ...(user !== undefined ? { user } : {}),
      host: { kind: local.host.includes(":") ? "ipv6" : "ipv4", name: local.host },
      port: local.port,
      params: t === "TLS" ? [] : params,
      headers: [],
    };
  }

  contactHeader(flow: Flow, extra = ""): string {
    return `<${formatUri(this.contactFor(flow))}>${extra}`;
  }

  private sentBy(flow: Flow): string {
    if (flow.transport === "WS" || flow.transport === "WSS") return this.wsHost;
    const local = this.transport.localAddress(flow.transport) ?? flow.local;
    const host = local.host.includes(":") ? `[${local.host}]` : local.host;
    return `${host}:${local.port}`;
  }

  /** The next hop for a request outside a dialog: its Route, the outbound proxy, or its URI. */
  defaultNextHop(req: SipRequest): Uri {
    const route = req.routes()[0];
    if (route) return route.uri;
    if (this.options.outboundProxy) return parseUri(this.options.outboundProxy, "outbound proxy");
    return req.uri;
  }

  /**
   * The flow for a next hop. `via`, the flow a dialog was set up on, is used when the hop is
   * an RFC 7118 §5 ".invalid" host (a WebSocket peer) or cannot be resolved (RFC 5626 §5.3).
   */
  async flowFor(nextHop: Uri, via?: Flow): Promise<Flow> {
    if (via && !via.closed && isSipUri(nextHop) && nextHop.host.name.endsWith(".invalid")) {
      return via;
    }
    try {
      return await this.resolveFlow(nextHop);
    } catch (e) {
      if (via && !via.closed) return via;
      throw e;
    }
  }

  private async resolveFlow(nextHop: Uri): Promise<Flow> {
    const resolver = this.options.resolver ?? defaultResolver;
    const targets = await resolver(nextHop, this.preferredTransport);
    let lastError: unknown = new Error(`no address for ${formatUri(nextHop)}`);
    for (const t of targets) {
      try {
        return await this.transport.flowTo(t);
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError;
  }

  private sinkFor(flow: Flow): TransactionSink {
    return {
      reliable: flow.reliable,
      send: (m) => {
        this.onTrace?.("out", m, flow);
        flow.send(m);
      },
    };
  }

  /** Adds our Via (§8.1.1.7, with rport: RFC 3581 §3) and the headers every request carries. */
  private prepare(req: SipRequest, flow: Flow, branch = newBranch()): void {
    req.remove("Via");
    req.prepend("Via", `SIP/2.0/${flow.transport} ${this.sentBy(flow)};branch=${branch};rport`);
    if (!req.has("Max-Forwards")) req.append("Max-Forwards", "70");
    if (this.options.userAgent && !req.has("User-Agent")) {
      req.append("User-Agent", this.options.userAgent);
    }
  }

  /**
   * Sends a request in a new client transaction; 401/407 are answered once with credentials
   * (§22.2), `bumpCSeq` giving the CSeq number for the retry.
   */
  async send(
    req: SipRequest,
    handlers: ResponseHandlers,
    opts: { nextHop?: Uri; bumpCSeq?: () => number; flow?: Flow } = {},
  ): Promise<ClientTx> {
    if (this.closed) throw new Error("the user agent is closed");
    const nextHop = opts.nextHop ?? this.defaultNextHop(req);
    const flow = await this.flowFor(nextHop, opts.flow);
    handlers.onFlow?.(flow);
    this.prepare(req, flow);
    // INVITE needs a Contact (§8.1.1.8); REGISTER carries one only when binding (a REGISTER
    // without Contact is a query, §10.2.3), so Registration adds its own.
    if (req.method === "INVITE" && !req.has("Contact")) {
      req.append("Contact", this.contactHeader(flow));
    }
    let authTried = false;
    const user = {
      onResponse: (res: SipResponse) => {
        if ((res.status === 401 || res.status === 407) && this.digest && !this.closed) {
          const header = res.status === 401 ? "WWW-Authenticate" : "Proxy-Authenticate";
          let auth: string | undefined;
          try {
            auth = this.digest.answer(
              res.getAll(header),
              header,
              req.method,
              formatUri(req.uri),
              authTried,
            );
          } catch {
            auth = undefined;
          }
          if (auth) {
            authTried = true;
            const retry = cloneRequest(req);
            retry.set(res.status === 401 ? "Authorization" : "Proxy-Authorization", auth);
            const seq = opts.bumpCSeq ? opts.bumpCSeq() : req.cseq().seq + 1;
            retry.set("CSeq", `${seq} ${req.method}`);
            this.prepare(retry, flow);
            req = retry;
            handlers.onRetry?.(retry);
            this.startClient(retry, flow, user);
            return;
          }
        }
        handlers.onResponse(res);
      },
      onTimeout: () => handlers.onTimeout?.(),
    };
    return this.startClient(req, flow, user);
  }

  /** The request a client transaction currently carries (after auth retries). */
  private startClient(
    req: SipRequest,
    flow: Flow,
    user: { onResponse(r: SipResponse): void; onTimeout(): void },
  ): ClientTx {
    const key = `${req.get("Via")?.match(/branch=([^;,\s]+)/)?.[1] ?? ""}|${req.method}`;
    const tu = {
      onResponse: (r: SipResponse) => user.onResponse(r),
      onTimeout: () => user.onTimeout(),
      onTerminated: () => {
        if (this.clientTxs.get(key) === tx) this.clientTxs.delete(key);
      },
    };
    const sink = this.sinkFor(flow);
    const tx: ClientTx =
      req.method === "INVITE"
        ? new InviteClientTransaction(req, sink, this.clock, this.timers, tu)
        : new NonInviteClientTransaction(req, sink, this.clock, this.timers, tu);
    if (tx.state !== "terminated") this.clientTxs.set(key, tx);
    return tx;
  }

  /**
   * Sends a request outside any transaction (the ACK for a 2xx, §13.2.2.4). With `again`, the
   * same request (same Via branch) is sent once more, as for a retransmitted 2xx.
   */
  async sendStateless(req: SipRequest, nextHop: Uri, again = false, via?: Flow): Promise<void> {
    const flow = await this.flowFor(nextHop, via);
    if (!again) this.prepare(req, flow);
    this.onTrace?.("out", req, flow);
    flow.send(req);
  }

  /** A CANCEL for an INVITE we sent (§9.1): same branch, sent where the INVITE went. */
  async cancel(
    invite: SipRequest,
    handlers: ResponseHandlers,
    nextHop: Uri,
    via?: Flow,
  ): Promise<void> {
    const cancel = new SipRequest("CANCEL", invite.uri);
    for (const r of invite.getAll("Route")) cancel.append("Route", r);
    cancel.append("Max-Forwards", "70");
    cancel.append("From", invite.get("From") ?? "");
    cancel.append("To", invite.get("To") ?? "");
    cancel.append("Call-ID", invite.callId());
    cancel.append("CSeq", `${invite.cseq().seq} CANCEL`);
    const flow = await this.flowFor(nextHop, via);
    const branch = invite.topVia().params.find((p) => p.name.toLowerCase() === "branch")?.value;
    this.prepare(cancel, flow, branch ?? newBranch());
    cancel.set("Via", invite.get("Via") ?? "");
    this.startClient(cancel, flow, {
      onResponse: (r) => handlers.onResponse(r),
      onTimeout: () => handlers.onTimeout?.(),
    });
  }

  /** Sends a request and resolves with its final response (or rejects on timeout). */
  request(
    req: SipRequest,
    opts: { nextHop?: Uri; bumpCSeq?: () => number; flow?: Flow } = {},
  ): Promise<SipResponse> {
    return new Promise((resolve, reject) => {
      this.send(
        req,
        {
          onResponse: (r) => {
            if (r.status >= 200) resolve(r);
          },
          onTimeout: () =>
            reject(
              new RequestTimeoutError(`${req.method} to ${formatUri(req.uri)}: no final answer`),
            ),
        },
        opts,
      ).catch(reject);
    });
  }

  /** A new out-of-dialog request with fresh Call-ID and From tag (§8.1.1). */
  newRequest(
    method: string,
    target: string | Uri,
    opts: { to?: string; callId?: string; cseq?: number; fromTag?: string } = {},
  ): SipRequest {
    const uri = typeof target === "string" ? parseUri(target, "target") : target;
    const req = new SipRequest(method, uri);
    req.append("Max-Forwards", "70");
    req.append("From", this.localIdentity(opts.fromTag ?? newTag()));
    req.append("To", opts.to ?? `<${formatUri(uri)}>`);
    req.append("Call-ID", opts.callId ?? newCallId());
    req.append("CSeq", `${opts.cseq ?? 1} ${method}`);
    return req;
  }

  /**
   * Sends a MESSAGE (RFC 3428) outside any dialog; resolves with the final response.
   * `contentType` defaults to text/plain; UTF-8 text.
   */
  sendMessage(
    target: string | Uri,
    text: string,
    contentType = "text/plain",
  ): Promise<SipResponse> {
    const req = this.newRequest("MESSAGE", target);
    req.append("Content-Type", contentType);
    req.body = new TextEncoder().encode(text);
    return this.request(req);
  }

  registerDialog(user: DialogUser): void {
    this.dialogs.set(user.dialog.key, user);
  }

  unregisterDialog(user: DialogUser): void {
    if (this.dialogs.get(user.dialog.key) === user) this.dialogs.delete(user.dialog.key);
  }

  // ---- receiving ----

  private receive(message: SipMessage, flow: Flow): void {
    if (this.closed) return;
    this.onTrace?.("in", message, flow);
    try {
      if (message.kind === "response") {
        this.receiveResponse(message);
        return;
      }
      stampTopVia(message, flow.remote, this.options.forceRport ?? false);
      this.receiveRequest(message, flow);
    } catch (e) {
      // A header parsed on first use turned out malformed: answer a request with 400 as for
      // one refused by the parser; drop a response (§18.1.2).
      if (!(e instanceof SipParseError)) throw e;
      if (message.kind === "request" && message.method !== "ACK") {
        this.answerMalformed(
          e.message,
          { kind: "request", method: message.method, headers: message.headerFields },
          flow,
        );
      }
    }
  }

  private receiveResponse(res: SipResponse): void {
    // The parser leaves From, To and Contact URIs for their first use. A response that may set
    // up a dialog has its To and Contact URIs read there (Dialog.asUac): check them before its
    // transaction sees the response, so that a malformed one is dropped as unparseable (§18.1.2).
    const method = res.cseq().method;
    if (res.status > 100 && res.status < 300 && (method === "INVITE" || method === "SUBSCRIBE")) {
      res.to();
      res.contacts();
    }
    const key = clientKeyOfResponse(res);
    const tx = key ? this.clientTxs.get(key) : undefined;
    if (tx) {
      tx.receive(res);
      return;
    }
    // A 2xx to INVITE after its transaction ended: its dialog re-sends the ACK (RFC 6026 §8.9).
    if (res.status >= 200 && res.status < 300 && res.cseq().method === "INVITE") {
      const from = res.fromTag();
      const to = res.toTag();
      if (from && to) this.dialogs.get(dialogKey(res.callId(), from, to))?.onStray2xx?.(res);
    }
    // Anything else (RFC 4475 §3.3.10's 200 with a broadcast Via) is dropped (§18.1.2).
  }

  private responseSink(flow: Flow): TransactionSink {
    return {
      reliable: flow.reliable,
      send: (m) => {
        if (flow.reliable) {
          this.onTrace?.("out", m, flow);
          flow.send(m);
          return;
        }
        // §18.2.2 with RFC 3581: to received/rport, which for UDP is the request's source.
        const dest = responseDestination(m as SipResponse);
        if (dest.host === flow.remote.host && dest.port === flow.remote.port) {
          this.onTrace?.("out", m, flow);
          flow.send(m);
        } else {
          this.transport
            .flowTo({ transport: "UDP", host: dest.host, port: dest.port })
            .then((f) => {
              this.onTrace?.("out", m, f);
              f.send(m);
            })
            .catch(() => {});
        }
      },
    };
  }

  private receiveRequest(req: SipRequest, flow: Flow): void {
    const key = serverKey(req);
    const existing = this.serverTxs.get(key);
    if (existing) {
      existing.receive(req);
      return;
    }
    if (req.method === "ACK") {
      // ACK for a 2xx: no transaction (§17.2.3), it belongs to the dialog.
      const user = this.dialogFor(req);
      user?.onAck(req);
      return;
    }
    // The parser leaves From, To and Contact URIs for their first use, and a dialog or the
    // application may read them after this receipt: a malformed one is refused now, before a
    // transaction exists, with the 400 of any malformed request (see receive()).
    req.from();
    req.to();
    if (req.method === "INVITE" || req.method === "REGISTER") req.contacts();
    const sink = this.responseSink(flow);
    const tx: ServerTx =
      req.method === "INVITE"
        ? new InviteServerTransaction(req, sink, this.clock, this.timers)
        : new NonInviteServerTransaction(req, sink, this.clock, this.timers);
    this.serverTxs.set(key, tx);
    tx.events = {
      onTerminated: () => {
        if (this.serverTxs.get(key) === tx) this.serverTxs.delete(key);
      },
    };
    const localTag = req.toTag() ?? newTag();
    const ctx: IncomingRequestContext = {
      request: req,
      flow,
      respond: (res) => tx.respond(res),
      reply: (status, opts = {}) => {
        const res = responseTo(req, status, opts.reason, opts.toTag ?? localTag);
        for (const [n, v] of opts.headers ?? []) res.append(n, v);
        tx.respond(res);
        return res;
      },
    };
    const rejection = screenRequest(req);
    if (rejection) {
      const headers: Array<[string, string]> = rejection.headers.map(([n, v]) => [n, v]);
      headers.push(["Warning", `399 ${this.sentBy(flow)} "${rejection.why.replace(/"/g, "'")}"`]);
      ctx.reply(rejection.status, {
        headers,
        ...(rejection.reason ? { reason: rejection.reason } : {}),
      });
      return;
    }
    if (req.method === "CANCEL") {
      this.receiveCancel(ctx);
      return;
    }
    if (req.toTag()) {
      const user = this.dialogFor(req);
      if (!user) {
        // §12.2.2: a request for a dialog we do not have.
        ctx.reply(481);
        return;
      }
      if (!user.dialog.acceptRemoteSeq(req)) {
        ctx.reply(500, { reason: "CSeq Out Of Order" });
        return;
      }
      user.onRequest(ctx);
      return;
    }
    switch (req.method) {
      case "OPTIONS": {
        // §11.2: what we can do.
        const extra = this.onOptions?.(ctx);
        ctx.reply(200, {
          headers: [
            ["Allow", ALLOW_HEADER],
            ["Accept", ACCEPT_HEADER],
            ["Accept-Encoding", "identity"],
            ["Accept-Language", "en"],
            ["Supported", SUPPORTED_HEADER],
            ["Contact", this.contactHeader(flow, extra?.contactParams ?? "")],
            ...(extra?.headers ?? []),
          ],
        });
        return;
      }
      case "BYE":
        ctx.reply(481);
        return;
      default:
        if (this.onRequest) this.onRequest(ctx);
        else
          ctx.reply(
            req.method === "INVITE" ? 480 : 200,
            req.method === "INVITE" ? { reason: "Temporarily Unavailable" } : {},
          );
    }
  }

  private receiveCancel(ctx: IncomingRequestContext): void {
    // §9.2: the CANCEL matches the INVITE transaction with the same branch and sent-by.
    const inviteKey = serverKey(cloneAs(ctx.request, "INVITE"));
    const invite = this.serverTxs.get(inviteKey);
    if (!(invite instanceof InviteServerTransaction)) {
      ctx.reply(481);
      return;
    }
    ctx.reply(200);
    if (!invite.finalSent) {
      this.cancelled.get(inviteKey)?.();
      if (!invite.finalSent) {
        invite.respond(
          responseTo(invite.request, 487, undefined, invite.request.toTag() ?? newTag()),
        );
      }
    }
  }

  private readonly cancelled = new Map<string, () => void>();

  /** Lets a call learn that its INVITE was cancelled (it then sends the 487 itself). */
  onCancel(invite: SipRequest, handler: () => void): () => void {
    const key = serverKey(invite);
    this.cancelled.set(key, handler);
    return () => this.cancelled.delete(key);
  }

  private dialogFor(req: SipRequest): DialogUser | undefined {
    const local = req.toTag();
    const remote = req.fromTag() ?? "";
    if (!local) return undefined;
    return this.dialogs.get(dialogKey(req.callId(), local, remote));
  }

  /**
   * A request that failed to parse (RFC 4475 §3.1.2): answer 400 with a Warning saying why,
   * built from what could be read, straight back to its source. Responses are dropped.
   */
  private answerMalformed(why: string, partial: PartialMessage | undefined, flow: Flow): void {
    if (this.closed || !partial || partial.kind !== "request" || partial.method === "ACK") return;
    const res = new SipResponse(400, REASON_PHRASES[400] as string);
    const copy = (name: string) => {
      for (const f of partial.headers as HeaderField[]) {
        if (headerKey(f.name) === name) {
          res.append(f.name, f.value);
        }
      }
    };
    for (const h of ["via", "from", "to", "call-id", "cseq"]) copy(h);
    if (!res.has("Via")) return;
    const text = why.replace(/["\\\r\n]/g, "'").slice(0, 200);
    res.append("Warning", `399 ${this.sentBy(flow)} "${text}"`);
    this.onTrace?.("out", res, flow);
    flow.send(res);
  }

  /** Stops every transaction and timer; the transport is closed by its owner. */
  async close(): Promise<void> {
    this.closed = true;
    for (const tx of this.clientTxs.values()) tx.abandon();
    for (const tx of this.serverTxs.values()) tx.abandon();
    this.clientTxs.clear();
    this.serverTxs.clear();
    for (const d of this.dialogs.values()) d.abandon?.();
    this.dialogs.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Reason phrase helper for callers. */
  static reasonOf(status: number): string {
    return REASON_PHRASES[status] ?? "Unknown";
  }
}

/** A copy of a request with the same fields (for auth retries). */
export function cloneRequest(req: SipRequest): SipRequest {
  return new SipRequest(req.method, req.uri, [...req.headerFields], req.body, req.version);
}

function cloneAs(req: SipRequest, method: string): SipRequest {
  return new SipRequest(method, req.uri, [...req.headerFields], req.body, req.version);
}
