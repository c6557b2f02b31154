// Client transactions (RFC 3261 §17.1): the INVITE state machine of §17.1.1 with the Accepted
// state of RFC 6026 §7.2, and the non-INVITE state machine of §17.1.2.
import type { Clock } from "../../common/clock.js";
import type { SipRequest, SipResponse } from "../message/message.js";
import { ackForFailure } from "./ack.js";
import { StateTimer, type TimerValues, type TransactionSink } from "./timers.js";

export type ClientState =
  | "calling"
  | "trying"
  | "proceeding"
  | "accepted"
  | "completed"
  | "terminated";

/** What a client transaction tells its transaction user (the UA core or a dialog). */
export interface ClientTransactionUser {
  onResponse(response: SipResponse): void;
  /** Timer B or F fired: no final response (the TU acts as if it got a 408, §8.1.3.1). */
  onTimeout(): void;
  onTerminated?(): void;
}

abstract class ClientTransaction {
  state: ClientState;
  protected readonly retransmit: StateTimer;
  protected readonly timeout: StateTimer;
  protected readonly linger: StateTimer;
  protected interval: number;

  constructor(
    readonly request: SipRequest,
    protected readonly sink: TransactionSink,
    protected readonly clock: Clock,
    protected readonly timers: TimerValues,
    protected readonly user: ClientTransactionUser,
    initial: ClientState,
  ) {
    this.state = initial;
    this.retransmit = new StateTimer(clock);
    this.timeout = new StateTimer(clock);
    this.linger = new StateTimer(clock);
    this.interval = timers.t1;
  }

  abstract receive(response: SipResponse): void;

  /** Transport failure (§17.1.4): the TU is told as for a timeout. */
  transportError(): void {
    if (this.state === "terminated") return;
    this.terminate();
    this.user.onTimeout();
  }

  /** Stops all timers without telling the TU (the UA is shutting down). */
  abandon(): void {
    this.state = "terminated";
    this.retransmit.stop();
    this.timeout.stop();
    this.linger.stop();
  }

  protected terminate(): void {
    if (this.state === "terminated") return;
    this.state = "terminated";
    this.retransmit.stop();
    this.timeout.stop();
    this.linger.stop();
    this.user.onTerminated?.();
  }
}

export class InviteClientTransaction extends ClientTransaction {
  private ack: SipRequest | undefined;

  constructor(
    request: SipRequest,
    sink: TransactionSink,
    clock: Clock,
    timers: TimerValues,
    user: ClientTransactionUser,
  ) {
    super(request, sink, clock, timers, user, "calling");
    sink.send(request);
    // Timer A: retransmit at T1, 2T1, 4T1… (no cap for INVITE, §17.1.1.2) on unreliable only.
    if (!sink.reliable) this.armTimerA();
    // Timer B: 64·T1 in Calling.
    this.timeout.start(64 * timers.t1, () => {
      if (this.state !== "calling") return;
      this.terminate();
      this.user.onTimeout();
    });
  }

  private armTimerA(): void {
    this.retransmit.start(this.interval, () => {
      if (this.state !== "calling") return;
      this.sink.send(this.request);
      this.interval *= 2;
      this.armTimerA();
    });
  }

  receive(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case "calling":
      case "proceeding":
        if (status < 200) {
          this.state = "proceeding";
          this.retransmit.stop();
          this.timeout.stop();
          this.user.onResponse(response);
        } else if (status < 300) {
          // RFC 6026 §7.2: Accepted, absorbing nothing; 2xx retransmissions go to the TU, which
          // sends the ACK itself (§13.2.2.4). Timer M = 64·T1.
          this.state = "accepted";
          this.retransmit.stop();
          this.timeout.stop();
          this.linger.start(64 * this.timers.t1, () => this.terminate());
          this.user.onResponse(response);
        } else {
          this.state = "completed";
          this.retransmit.stop();
          this.timeout.stop();
          this.ack = ackForFailure(this.request, response);
          this.sink.send(this.ack);
          // Timer D: at least 32 s on unreliable transports, 0 on reliable (§17.1.1.2).
          const d = this.sink.reliable ? 0 : Math.max(32_000, 64 * this.timers.t1);
          this.user.onResponse(response);
          this.linger.start(d, () => this.terminate());
        }
        return;
      case "accepted":
        if (status >= 200 && status < 300) this.user.onResponse(response);
        return;
      case "completed":
        // A retransmitted final answer: ACK again, tell the TU nothing (§17.1.1.2).
        if (status >= 300 && this.ack) this.sink.send(this.ack);
        return;
      default:
        return;
    }
  }
}

export class NonInviteClientTransaction extends ClientTransaction {
  constructor(
    request: SipRequest,
    sink: TransactionSink,
    clock: Clock,
    timers: TimerValues,
    user: ClientTransactionUser,
  ) {
    super(request, sink, clock, timers, user, "trying");
    sink.send(request);
    // Timer E: T1, doubling up to T2 (§17.1.2.2), unreliable transports only.
    if (!sink.reliable) this.armTimerE();
    // Timer F: 64·T1.
    this.timeout.start(64 * timers.t1, () => {
      if (this.state !== "trying" && this.state !== "proceeding") return;
      this.terminate();
      this.user.onTimeout();
    });
  }

  private armTimerE(): void {
    this.retransmit.start(this.interval, () => {
      if (this.state !== "trying" && this.state !== "proceeding") return;
      this.sink.send(this.request);
      // In Proceeding the interval is T2 (§17.1.2.2); in Trying it doubles up to T2.
      this.interval =
        this.state === "proceeding" ? this.timers.t2 : Math.min(this.interval * 2, this.timers.t2);
      this.armTimerE();
    });
  }

  receive(response: SipResponse): void {
    if (this.state !== "trying" && this.state !== "proceeding") return;
    if (response.status < 200) {
      this.state = "proceeding";
      this.user.onResponse(response);
      return;
    }
    this.state = "completed";
    this.retransmit.stop();
    this.timeout.stop();
    this.user.onResponse(response);
    // Timer K: T4 on unreliable, 0 on reliable; absorbs retransmitted finals.
    this.linger.start(this.sink.reliable ? 0 : this.timers.t4, () => this.terminate());
  }
}
