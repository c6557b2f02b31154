// INVITE sessions (RFC 3261 §13–§15): outgoing and incoming calls with offer/answer in
// INVITE/2xx or 2xx/ACK (§13.2.1), provisional answers, re-INVITE (§14), CANCEL (§9), BYE (§15),
// 2xx retransmission until ACK (§13.3.1.4), and Session-ID (RFC 7989).
import {
  Cursor,
  formatUri,
  parseUri,
  responseTo,
  type SipRequest,
  type SipResponse,
  type Uri,
} from "../message/index.js";
import { Invite2xxRetransmitter } from "../transaction/index.js";
import type { Flow } from "../transport/types.js";
import { ALLOW_HEADER, SUPPORTED_HEADER } from "./capabilities.js";
import { Dialog } from "./dialog.js";
import { NULL_SESSION_ID, newSessionId, newTag } from "./ids.js";
import type { SessionBody, SessionDescriptionHandler } from "./session-description.js";
import type { IncomingRequestContext, UserAgent } from "./user-agent.js";

export type CallState = "calling" | "early" | "confirmed" | "terminated";

export type CallEndReason =
  | "local-bye"
  | "remote-bye"
  | "rejected"
  | "cancelled"
  | "timeout"
  | "no-ack"
  | "failed";

export interface CallEnd {
  readonly reason: CallEndReason;
  /** The final status, when a response ended the call. */
  readonly status?: number;
}

export class CallFailedError extends Error {
  override readonly name = "CallFailedError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const utf8 = new TextEncoder();

function bodyOf(msg: SipRequest | SipResponse): SessionBody | undefined {
  if (msg.body.length === 0) return undefined;
  return { contentType: msg.contentType() ?? "application/sdp", content: msg.bodyText() };
}

function setBody(msg: SipRequest | SipResponse, body: SessionBody): void {
  msg.set("Content-Type", body.contentType);
  msg.body = utf8.encode(body.content);
}

/** The local UUID of a Session-ID value (RFC 7989 §5). */
function sessionIdLocal(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const c = new Cursor(value, "Session-ID");
  const id = c.token().toLowerCase();
  return /^[0-9a-f]{32}$/.test(id) ? id : undefined;
}

/** A UAS copies Record-Route into responses that create or refresh a dialog (§12.1.1). */
function copyRecordRoute(req: SipRequest, res: SipResponse): void {
  for (const rr of req.getAll("Record-Route")) res.append("Record-Route", rr);
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

export abstract class Call {
  state: CallState = "calling";
  dialog!: Dialog;
  /**
   * Our RFC 7989 UUID. An application that pre-announced the session elsewhere (the coex
   * profile's XMPP pre-announcement) sets it before the INVITE or the answer goes out.
   */
  localSessionId = newSessionId();
  remoteSessionId = NULL_SESSION_ID;
  protected sdh: SessionDescriptionHandler | undefined;
  private readonly endedD = deferred<CallEnd>();
  protected readonly acceptedD = deferred<void>();
  /** Resolves when the call ends, however it ends. */
  readonly ended = this.endedD.promise;
  /** Resolves when the call is answered (2xx); rejects with CallFailedError otherwise. */
  readonly accepted = this.acceptedD.promise;
  /** Told of each provisional response (outgoing) and of re-INVITEs. */
  onProgress: ((response: SipResponse) => void) | undefined;
  onReinvite: ((request: SipRequest) => void) | undefined;
  private reinvitePending = false;
  /** The flow the dialog was set up on (RFC 5626 §5.3, RFC 7118 §5: reused in the dialog). */
  flow: Flow | undefined;
  private uas2xx: Invite2xxRetransmitter | undefined;
  private awaitingAckBody = false;
  private lastAck: SipRequest | undefined;
  private lastAckCSeq = -1;

  constructor(
    readonly ua: UserAgent,
    readonly direction: "incoming" | "outgoing",
    readonly callId: string,
  ) {
    const factory = ua.options.sessionDescription;
    this.sdh = factory ? factory({ callId, direction }) : undefined;
  }

  protected sessionIdHeader(): string {
    return `${this.localSessionId};remote=${this.remoteSessionId}`;
  }

  protected learnSessionId(msg: SipRequest | SipResponse): void {
    const id = sessionIdLocal(msg.get("Session-ID"));
    if (id && id !== NULL_SESSION_ID) this.remoteSessionId = id;
  }

  protected end(end: CallEnd): void {
    if (this.state === "terminated") return;
    this.state = "terminated";
    this.uas2xx?.stop();
    if (this.dialog) this.ua.unregisterDialog(this);
    this.sdh?.close();
    this.acceptedD.reject(new CallFailedError(end.status ?? 0, `call ended: ${end.reason}`));
    this.endedD.resolve(end);
  }

  protected confirm(): void {
    if (this.state === "terminated") return;
    this.state = "confirmed";
    this.acceptedD.resolve();
  }

  /**
   * Ends a confirmed call with BYE (§15.1.1). Resolves with the BYE's final status, or
   * undefined when none came (the dialog is over either way).
   */
  async bye(): Promise<number | undefined> {
    // §15: the callee waits for the ACK of its 2xx (or its timeout) before sending BYE.
    if (this.uas2xx && !this.uas2xx.stopped) await this.accepted.catch(() => {});
    if (this.state !== "confirmed" && this.state !== "early") return undefined;
    const bye = this.dialog.createRequest("BYE");
    bye.append("Session-ID", this.sessionIdHeader());
    this.end({ reason: "local-bye" });
    try {
      const res = await this.ua.request(bye, {
        nextHop: this.dialog.nextHop(),
        bumpCSeq: () => ++this.dialog.state.localSeq,
        ...(this.flow ? { flow: this.flow } : {}),
      });
      return res.status;
    } catch {
      return undefined;
    }
  }

  /** A re-INVITE with a new offer (§14.1); resolves with its final response. */
  async reinvite(): Promise<SipResponse> {
    if (this.state !== "confirmed") throw new Error("re-INVITE needs a confirmed call");
    if (this.reinvitePending) throw new Error("a re-INVITE is already pending");
    this.reinvitePending = true;
    const req = this.dialog.createRequest("INVITE");
    req.append("Session-ID", this.sessionIdHeader());
    req.append("Allow", ALLOW_HEADER);
    req.append("Supported", SUPPORTED_HEADER);
    const offer = this.sdh ? await this.sdh.createOffer() : undefined;
    if (offer) setBody(req, offer);
    try {
      return await new Promise<SipResponse>((resolve, reject) => {
        let current = req;
        this.ua
          .send(
            req,
            {
              onRetry: (r) => {
                current = r;
              },
              onResponse: (res) => {
                if (res.status < 200) return;
                if (res.status < 300) {
                  this.dialog.refreshTarget(res);
                  const answer = bodyOf(res);
                  if (answer && this.sdh) void this.sdh.setAnswer(answer);
                  void this.sendAck(current.cseq().seq);
                }
                resolve(res);
              },
              onTimeout: () => reject(new Error("re-INVITE timed out")),
            },
            {
              nextHop: this.dialog.nextHop(),
              bumpCSeq: () => ++this.dialog.state.localSeq,
              ...(this.flow ? { flow: this.flow } : {}),
            },
          )
          .catch(reject);
      });
    } finally {
      this.reinvitePending = false;
    }
  }

  protected async sendAck(cseq: number, body?: SessionBody): Promise<void> {
    const ack = this.dialog.createRequest("ACK", cseq);
    if (body) setBody(ack, body);
    this.lastAck = ack;
    this.lastAckCSeq = cseq;
    await this.ua.sendStateless(ack, this.dialog.nextHop(), false, this.flow);
  }

  /** A retransmitted 2xx: the same ACK again (§13.2.2.4). */
  protected resendAck(res: SipResponse): void {
    if (this.lastAck && res.cseq().seq === this.lastAckCSeq) {
      void this.ua.sendStateless(this.lastAck, this.dialog.nextHop(), true, this.flow);
    }
  }

  abandon(): void {
    this.uas2xx?.stop();
  }

  onStray2xx(res: SipResponse): void {
    this.resendAck(res);
  }

  /** Sends a 2xx to an INVITE and keeps sending it until the ACK (§13.3.1.4). */
  protected send2xx(ctx: IncomingRequestContext, res: SipResponse, offerInside: boolean): void {
    ctx.respond(res);
    this.awaitingAckBody = offerInside;
    this.uas2xx?.stop();
    this.uas2xx = new Invite2xxRetransmitter(
      res,
      { reliable: ctx.flow.reliable, send: (m) => ctx.respond(m as SipResponse) },
      this.ua.clock,
      this.ua.timers,
      () => {
        // No ACK within 64·T1: the session is dead; end it with BYE (§13.3.1.4).
        if (this.state === "terminated") return;
        this.state = "confirmed";
        void this.bye().then(() => this.end({ reason: "no-ack" }));
      },
    );
  }

  onAck(ack: SipRequest): void {
    if (this.uas2xx && !this.uas2xx.stopped) {
      this.uas2xx.stop();
      const answer = bodyOf(ack);
      if (this.awaitingAckBody && answer && this.sdh) void this.sdh.setAnswer(answer);
      this.awaitingAckBody = false;
      this.confirm();
    }
  }

  onRequest(ctx: IncomingRequestContext): void {
    const req = ctx.request;
    this.learnSessionId(req);
    switch (req.method) {
      case "BYE":
        ctx.reply(200, { headers: [["Session-ID", this.sessionIdHeader()]] });
        this.end({ reason: "remote-bye" });
        return;
      case "INVITE":
        void this.answerReinvite(ctx);
        return;
      case "OPTIONS":
      case "MESSAGE":
        ctx.reply(200);
        return;
      default:
        ctx.reply(405, { headers: [["Allow", ALLOW_HEADER]] });
    }
  }

  private async answerReinvite(ctx: IncomingRequestContext): Promise<void> {
    // §14.2: a re-INVITE while ours is pending → 491; before the previous 2xx is ACKed → 500.
    if (this.reinvitePending) {
      ctx.reply(491);
      return;
    }
    if (this.uas2xx && !this.uas2xx.stopped) {
      ctx.reply(500, { headers: [["Retry-After", "1"]] });
      return;
    }
    this.onReinvite?.(ctx.request);
    this.dialog.refreshTarget(ctx.request);
    const offer = bodyOf(ctx.request);
    let body: SessionBody | undefined;
    try {
      if (this.sdh)
        body = offer ? await this.sdh.createAnswer(offer) : await this.sdh.createOffer();
    } catch {
      ctx.reply(488);
      return;
    }
    const res = this.okFor(ctx);
    if (body) setBody(res, body);
    this.send2xx(ctx, res, offer === undefined && body !== undefined);
  }

  protected okFor(ctx: IncomingRequestContext): SipResponse {
    const res = responseTo(ctx.request, 200, undefined, this.dialog.state.localTag);
    copyRecordRoute(ctx.request, res);
    res.append("Contact", this.ua.contactHeader(ctx.flow));
    res.append("Allow", ALLOW_HEADER);
    res.append("Supported", SUPPORTED_HEADER);
    res.append("Session-ID", this.sessionIdHeader());
    return res;
  }
}

export interface CallOptions {
  /** Extra header fields for the INVITE. */
  readonly headers?: Array<[string, string]>;
  /** Send the INVITE without an offer (the offer then comes in the 2xx, the answer in ACK). */
  readonly withoutOffer?: boolean;
  /** Our Session-ID UUID (RFC 7989 §6), when the application chose it; a new one otherwise. */
  readonly localSessionId?: string;
  /** Called with the call object before the INVITE is sent, so no response can be missed. */
  readonly onCreated?: (call: OutgoingCall) => void;
}

/** How an incoming call is answered. */
export interface AcceptOptions {
  /** Extra header fields for the 2xx (e.g. Call-Info, RFC 6993). */
  readonly headers?: Array<[string, string]>;
  /** Our Session-ID UUID for this dialog (RFC 7989 §6). */
  readonly localSessionId?: string;
}

export class OutgoingCall extends Call {
  private invite: SipRequest;
  /** The 2xx that answered the INVITE (its Call-Info and Session-ID matter to the profile). */
  answer: SipResponse | undefined;
  private provisional = false;
  private cancelRequested = false;
  private nextHop: Uri;

  private constructor(ua: UserAgent, invite: SipRequest) {
    super(ua, "outgoing", invite.callId());
    this.invite = invite;
    this.nextHop = ua.defaultNextHop(invite);
  }

  /** Places a call to `target` (§13.2.1). Resolves once the INVITE is sent. */
  static async start(
    ua: UserAgent,
    target: string | Uri,
    opts: CallOptions = {},
  ): Promise<OutgoingCall> {
    const uri = typeof target === "string" ? parseUri(target, "call target") : target;
    const invite = ua.newRequest("INVITE", uri);
    const call = new OutgoingCall(ua, invite);
    if (opts.localSessionId) call.localSessionId = opts.localSessionId;
    opts.onCreated?.(call);
    invite.append("Allow", ALLOW_HEADER);
    invite.append("Supported", SUPPORTED_HEADER);
    invite.append("Session-ID", call.sessionIdHeader());
    for (const [n, v] of opts.headers ?? []) invite.append(n, v);
    if (call.sdh && !opts.withoutOffer) setBody(invite, await call.sdh.createOffer());
    let seq = 1;
    await ua.send(
      invite,
      {
        onRetry: (r) => {
          call.invite = r;
        },
        onFlow: (f) => {
          call.flow = f;
        },
        onResponse: (res) => call.onInviteResponse(res),
        onTimeout: () => call.end({ reason: "timeout", status: 408 }),
      },
      { nextHop: call.nextHop, bumpCSeq: () => ++seq },
    );
    return call;
  }

  get request(): SipRequest {
    return this.invite;
  }

  private onInviteResponse(res: SipResponse): void {
    if (this.state === "terminated") {
      if (res.status >= 200 && res.status < 300) this.resendAck(res);
      return;
    }
    this.learnSessionId(res);
    if (res.status < 200) {
      if (res.status > 100) {
        this.provisional = true;
        if (this.state === "calling") this.state = "early";
        this.onProgress?.(res);
      } else {
        this.provisional = true;
      }
      if (this.cancelRequested) void this.sendCancel();
      return;
    }
    if (res.status < 300) {
      if (this.state === "confirmed") {
        this.resendAck(res);
        return;
      }
      const dialog = Dialog.asUac(this.invite, res);
      if (!dialog) {
        this.end({ reason: "failed", status: res.status });
        return;
      }
      dialog.confirmed = true;
      this.dialog = dialog;
      this.answer = res;
      this.ua.registerDialog(this);
      void this.completeAnswer(res);
      return;
    }
    this.end({
      reason: res.status === 487 && this.cancelRequested ? "cancelled" : "rejected",
      status: res.status,
    });
  }

  private async completeAnswer(res: SipResponse): Promise<void> {
    const remote = bodyOf(res);
    let ackBody: SessionBody | undefined;
    const offered = this.invite.body.length > 0;
    try {
      if (this.sdh && remote) {
        if (offered) await this.sdh.setAnswer(remote);
        else ackBody = await this.sdh.createAnswer(remote);
      }
    } catch {
      // An unusable answer: acknowledge, then end the session (§13.2.2.4 allows BYE right away).
      await this.sendAck(this.invite.cseq().seq);
      this.confirm();
      await this.bye();
      return;
    }
    await this.sendAck(this.invite.cseq().seq, ackBody);
    this.confirm();
  }

  /** CANCEL before the final answer (§9.1); sent once a provisional response has come. */
  async cancel(): Promise<void> {
    if (this.state !== "calling" && this.state !== "early") return;
    this.cancelRequested = true;
    if (this.provisional) await this.sendCancel();
  }

  private cancelSent = false;

  private async sendCancel(): Promise<void> {
    if (this.cancelSent) return;
    this.cancelSent = true;
    await this.ua.cancel(this.invite, { onResponse: () => {} }, this.nextHop, this.flow);
  }
}

export class IncomingCall extends Call {
  readonly request: SipRequest;
  private readonly ctx: IncomingRequestContext;
  private readonly localTag: string;
  private readonly detachCancel: () => void;

  constructor(ua: UserAgent, ctx: IncomingRequestContext) {
    super(ua, "incoming", ctx.request.callId());
    this.ctx = ctx;
    this.flow = ctx.flow;
    this.request = ctx.request;
    this.localTag = newTag();
    this.learnSessionId(ctx.request);
    const dialog = Dialog.asUas(ctx.request, this.localTag);
    if (dialog) this.dialog = dialog;
    this.detachCancel = ua.onCancel(ctx.request, () => {
      this.end({ reason: "cancelled", status: 487 });
    });
  }

  /** The caller, as in From. */
  get from(): string {
    return formatUri(this.request.from().uri);
  }

  private provisional(status: number): SipResponse {
    const res = responseTo(this.request, status, undefined, this.localTag);
    copyRecordRoute(this.request, res);
    res.append("Contact", this.ua.contactHeader(this.ctx.flow));
    res.append("Session-ID", this.sessionIdHeader());
    return res;
  }

  /** 180 Ringing (creates the early dialog, §13.3.1.1). */
  ring(): void {
    if (this.state !== "calling") return;
    if (this.dialog) this.ua.registerDialog(this);
    this.state = "early";
    this.ctx.respond(this.provisional(180));
  }

  /** Answers with 200 and the session description (§13.3.1.4). */
  async accept(opts: AcceptOptions = {}): Promise<void> {
    if (opts.localSessionId) this.localSessionId = opts.localSessionId;
    if (this.state !== "calling" && this.state !== "early") return;
    if (!this.dialog) {
      this.reject(400, "INVITE without Contact");
      return;
    }
    const offer = bodyOf(this.request);
    let body: SessionBody | undefined;
    try {
      if (this.sdh)
        body = offer ? await this.sdh.createAnswer(offer) : await this.sdh.createOffer();
    } catch {
      this.reject(488);
      return;
    }
    if ((this.state as CallState) === "terminated") return;
    this.ua.registerDialog(this);
    this.dialog.confirmed = true;
    const res = this.okFor(this.ctx);
    for (const [n, v] of opts.headers ?? []) res.append(n, v);
    if (body) setBody(res, body);
    this.detachCancel();
    this.send2xx(this.ctx, res, offer === undefined && body !== undefined);
  }

  /** Declines with a 3xx–6xx (§13.3.1.3). */
  reject(status = 486, reason?: string): void {
    if (this.state !== "calling" && this.state !== "early") return;
    this.detachCancel();
    this.ctx.reply(status, { toTag: this.localTag, ...(reason ? { reason } : {}) });
    this.end({ reason: "rejected", status });
  }
}
