// Reception statistics of one RTP source, as RFC 3550 Appendix A defines them: extended highest
// sequence number with wrap counting (A.1), cumulative and interval loss (A.3) and interarrival
// jitter (A.8). They feed our RTCP report blocks and the call statistics.

const SEQ_MOD = 1 << 16;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export interface ReportBlockFigures {
  readonly fractionLost: number; // 0..255, fixed point /256 (RFC 3550 §6.4.1)
  readonly cumulativeLost: number;
  readonly extendedHighestSequence: number;
  readonly jitter: number; // timestamp units
}

export class ReceiveStatistics {
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private jitterEstimate = 0;
  private lastTransit: number | undefined;
  private started = false;
  private badSeq = -1;

  constructor(private readonly clockRate: number) {}

  get packetsReceived(): number {
    return this.received;
  }

  /** Feeds one packet; `arrivalMs` is the local arrival time in ms. */
  update(seq: number, rtpTimestamp: number, arrivalMs: number): void {
    if (!this.started) {
      this.started = true;
      this.baseSeq = seq;
      this.maxSeq = seq;
    } else {
      const delta = (seq - this.maxSeq + SEQ_MOD) % SEQ_MOD;
      if (delta < MAX_DROPOUT) {
        if (seq < this.maxSeq) this.cycles += SEQ_MOD;
        this.maxSeq = seq;
      } else if (delta <= SEQ_MOD - MAX_MISORDER) {
        // A big jump: accept it only if the next packet follows it (the sender restarted).
        if (seq === this.badSeq) {
          this.started = true;
          this.baseSeq = seq;
          this.maxSeq = seq;
          this.cycles = 0;
          this.received = 0;
          this.expectedPrior = 0;
          this.receivedPrior = 0;
        } else {
          this.badSeq = (seq + 1) % SEQ_MOD;
          return;
        }
      }
      // else: duplicate or reordered packet, counted as received below (RFC 3550 A.1).
    }
    this.received++;
    // A.8: transit time in timestamp units, smoothed with gain 1/16.
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - rtpTimestamp;
    if (this.lastTransit !== undefined) {
      let d = transit - this.lastTransit;
      // Timestamp wrap: transit differences are small unless the 32-bit timestamp wrapped.
      if (d > 2 ** 31) d -= 2 ** 32;
      else if (d < -(2 ** 31)) d += 2 ** 32;
      this.jitterEstimate += (Math.abs(d) - this.jitterEstimate) / 16;
    }
    this.lastTransit = transit;
  }

  get extendedHighestSequence(): number {
    return this.cycles + this.maxSeq;
  }

  get expected(): number {
    return this.started ? this.extendedHighestSequence - this.baseSeq + 1 : 0;
  }

  get cumulativeLost(): number {
    return Math.max(0, this.expected - this.received);
  }

  get jitter(): number {
    return this.jitterEstimate;
  }

  /** Figures for a report block; advances the interval used for fraction lost (A.3). */
  takeReportFigures(): ReportBlockFigures {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost =
      expectedInterval <= 0 || lostInterval <= 0
        ? 0
        : Math.min(255, Math.floor((lostInterval << 8) / expectedInterval));
    return {
      fractionLost,
      // 24-bit signed field; clamp (RFC 3550 §6.4.1).
      cumulativeLost: Math.min(this.cumulativeLost, 0x7fffff),
      extendedHighestSequence: this.extendedHighestSequence >>> 0,
      jitter: Math.round(this.jitterEstimate) >>> 0,
    };
  }
}
