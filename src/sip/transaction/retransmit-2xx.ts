// A UAS's 2xx to INVITE is retransmitted by the UAS core, not the transaction (RFC 3261
// §13.3.1.4): at T1, doubling up to T2, until the ACK arrives; after 64·T1 without ACK the
// dialog is confirmed dead and must be ended with BYE.
import type { Clock } from "../../common/clock.js";
import type { SipResponse } from "../message/message.js";
import { StateTimer, type TimerValues, type TransactionSink } from "./timers.js";

export class Invite2xxRetransmitter {
  private interval: number;
  private readonly retransmit: StateTimer;
  private readonly giveUp: StateTimer;
  private done = false;

  constructor(
    private readonly response: SipResponse,
    private readonly sink: TransactionSink,
    clock: Clock,
    private readonly timers: TimerValues,
    onNoAck: () => void,
  ) {
    this.interval = timers.t1;
    this.retransmit = new StateTimer(clock);
    this.giveUp = new StateTimer(clock);
    // Over reliable transports the 2xx is still retransmitted (§13.3.1.4 applies to all
    // transports: the hop-by-hop reliability ends at the next proxy).
    this.arm();
    this.giveUp.start(64 * timers.t1, () => {
      this.stop();
      onNoAck();
    });
  }

  private arm(): void {
    this.retransmit.start(this.interval, () => {
      if (this.done) return;
      this.sink.send(this.response);
      this.interval = Math.min(this.interval * 2, this.timers.t2);
      this.arm();
    });
  }

  /** The ACK arrived. */
  stop(): void {
    this.done = true;
    this.retransmit.stop();
    this.giveUp.stop();
  }

  get stopped(): boolean {
    return this.done;
  }
}
