// Timer values of RFC 3261 §17 and Table 4. T1, T2, T4 are configurable (§17.1.1.1 allows a
// larger T1 on high-latency paths); all other timers derive from them.
import type { Clock, TimerHandle } from "../../common/clock.js";

export interface TimerValues {
  /** RTT estimate, 500 ms by default. */
  readonly t1: number;
  /** Cap on non-INVITE and 2xx retransmission intervals, 4 s by default. */
  readonly t2: number;
  /** Longest time a message stays in the network, 5 s by default. */
  readonly t4: number;
}

export const DEFAULT_TIMERS: TimerValues = { t1: 500, t2: 4000, t4: 5000 };

/** The transport a transaction runs over decides which timers are zero (§17.1.1.2, §17.2.1). */
export interface TransactionSink {
  /** True for TCP, TLS, WS/WSS, SCTP: no retransmissions, zero wait timers. */
  readonly reliable: boolean;
  send(message: import("../message/message.js").SipMessage): void;
}

/** One named timer that a state machine can (re)arm and cancel. */
export class StateTimer {
  private handle: TimerHandle | undefined;

  constructor(private readonly clock: Clock) {}

  start(ms: number, fire: () => void): void {
    this.stop();
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      fire();
    }, ms);
  }

  stop(): void {
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  get running(): boolean {
    return this.handle !== undefined;
  }
}
