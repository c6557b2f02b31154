// Server transactions (RFC 3261 §17.2): INVITE (§17.2.1, with RFC 6026's Accepted state) and
// non-INVITE (§17.2.2).
import type { Clock } from "../../common/clock.js";
import type { SipRequest, SipResponse } from "../message/message.js";
import { responseTo } from "../message/response-builder.js";
import { StateTimer, type TimerValues, type TransactionSink } from "./timers.js";

export type ServerState =
  | "trying"
  | "proceeding"
  | "accepted"
  | "completed"
  | "confirmed"
  | "terminated";

export interface ServerTransactionEvents {
  /** Timer H fired: no ACK for our 300–699 (§17.2.1); or the transport failed. */
  onFailure?(reason: "no-ack" | "transport"): void;
  onTerminated?(): void;
}

abstract class ServerTransaction {
  state: ServerState;
  protected lastResponse: SipResponse | undefined;
  protected readonly retransmit: StateTimer;
  protected readonly linger: StateTimer;
  events: ServerTransactionEvents = {};

  constructor(
    readonly request: SipRequest,
    protected readonly sink: TransactionSink,
    protected readonly clock: Clock,
    protected readonly timers: TimerValues,
    initial: ServerState,
  ) {
    this.state = initial;
    this.retransmit = new StateTimer(clock);
    this.linger = new StateTimer(clock);
  }

  /** The TU's answer. */
  abstract respond(response: SipResponse): void;
  /** A retransmission of the request (or an ACK for an INVITE transaction). */
  abstract receive(request: SipRequest): void;

  get finalSent(): boolean {
    return this.lastResponse !== undefined && this.lastResponse.status >= 200;
  }

  /** Stops all timers without telling anyone (the UA is shutting down). */
  abandon(): void {
    this.state = "terminated";
    this.retransmit.stop();
    this.linger.stop();
  }

  protected terminate(): void {
    if (this.state === "terminated") return;
    this.state = "terminated";
    this.retransmit.stop();
    this.linger.stop();
    this.events.onTerminated?.();
  }
}

export class InviteServerTransaction extends ServerTransaction {
  private interval: number;
  private readonly trying: StateTimer;

  constructor(request: SipRequest, sink: TransactionSink, clock: Clock, timers: TimerValues) {
    super(request, sink, clock, timers, "proceeding");
    this.interval = timers.t1;
    this.trying = new StateTimer(clock);
    // §17.2.1: a 100 Trying unless the TU answers within 200 ms.
    this.trying.start(200, () => {
      if (this.lastResponse === undefined && this.state === "proceeding") {
        this.respond(tryingFor(request));
      }
    });
  }

  override abandon(): void {
    super.abandon();
    this.trying.stop();
  }

  respond(response: SipResponse): void {
    if (this.state !== "proceeding" && !(this.state === "accepted" && response.status < 300)) {
      return;
    }
    this.trying.stop();
    this.lastResponse = response;
    this.sink.send(response);
    if (response.status < 200) return;
    if (response.status < 300) {
      // RFC 6026 §7.1: Accepted; 2xx retransmission is the TU's job (§13.3.1.4). Timer L.
      if (this.state === "proceeding") {
        this.state = "accepted";
        this.linger.start(64 * this.timers.t1, () => this.terminate());
      }
      return;
    }
    this.state = "completed";
    // Timer G (unreliable): retransmit the response at T1, doubling up to T2.
    if (!this.sink.reliable) this.armTimerG();
    // Timer H: 64·T1 waiting for the ACK.
    this.linger.start(64 * this.timers.t1, () => {
      if (this.state !== "completed") return;
      this.terminate();
      this.events.onFailure?.("no-ack");
    });
  }

  private armTimerG(): void {
    this.retransmit.start(this.interval, () => {
      if (this.state !== "completed" || !this.lastResponse) return;
      this.sink.send(this.lastResponse);
      this.interval = Math.min(this.interval * 2, this.timers.t2);
      this.armTimerG();
    });
  }

  receive(request: SipRequest): void {
    if (request.method === "ACK") {
      if (this.state !== "completed") return;
      this.state = "confirmed";
      this.retransmit.stop();
      // Timer I: T4 on unreliable, 0 on reliable; absorbs retransmitted ACKs.
      this.linger.start(this.sink.reliable ? 0 : this.timers.t4, () => this.terminate());
      return;
    }
    // A retransmitted INVITE: resend the last response (Proceeding, Completed), absorb it
    // in Accepted (RFC 6026 §7.1) and Confirmed.
    if ((this.state === "proceeding" || this.state === "completed") && this.lastResponse) {
      this.sink.send(this.lastResponse);
    }
  }

  transportError(): void {
    if (this.state === "terminated") return;
    this.terminate();
    this.events.onFailure?.("transport");
  }
}

export class NonInviteServerTransaction extends ServerTransaction {
  constructor(request: SipRequest, sink: TransactionSink, clock: Clock, timers: TimerValues) {
    super(request, sink, clock, timers, "trying");
  }

  respond(response: SipResponse): void {
    if (this.state !== "trying" && this.state !== "proceeding") return;
    this.lastResponse = response;
    this.sink.send(response);
    if (response.status < 200) {
      this.state = "proceeding";
      return;
    }
    this.state = "completed";
    // Timer J: 64·T1 on unreliable, 0 on reliable (§17.2.2).
    this.linger.start(this.sink.reliable ? 0 : 64 * this.timers.t1, () => this.terminate());
  }

  receive(_request: SipRequest): void {
    if ((this.state === "proceeding" || this.state === "completed") && this.lastResponse) {
      this.sink.send(this.lastResponse);
    }
  }

  transportError(): void {
    if (this.state === "terminated") return;
    this.terminate();
    this.events.onFailure?.("transport");
  }
}

export type AnyServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

function tryingFor(request: SipRequest): SipResponse {
  return responseTo(request, 100, "Trying");
}
