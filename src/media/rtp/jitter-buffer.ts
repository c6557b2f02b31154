// Audio jitter buffer: decoded audio is placed by RTP timestamp (RFC 3550 §5.1: the timestamp
// is the sampling instant of the first sample) and played out one frame per tick behind a delay.
// Gaps play as silence and a timestamp jump (new source, or a sender that reset) re-anchors
// playout. Works for any packet time: it copies by timestamp range, not by packet.
//
// The delay adapts. It starts small; a packet that comes after its playout time (the sender or
// this process stalled, or the path jittered) steps playout back to it, so that the stall
// lengthens the delay instead of cutting the audio, and the buffer keeps that longer delay as
// its target: the next stall of the same length then costs nothing. The target shrinks again
// by one frame for each stretch of playout without a late packet, and surplus audio beyond the
// target (a burst after a stall of our own process, or a sender whose clock runs fast) is
// drained by dropping one frame now and then, never by jumping ahead: a jump would throw away
// the very audio the stall made us wait for, and leave no margin for the next one.
//
// Storage is one ring of samples indexed by the unwrapped timestamp, with a flag per sample for
// "audio is here": pushing and pulling allocate nothing, which matters at hundreds of streams.

const WRAP = 2 ** 32;

/** Playout without a late packet after which the target delay shrinks by one frame. */
const SHRINK_AFTER_S = 4;
/** How often surplus depth is checked (and at most one frame dropped). */
const DRAIN_CHECK_S = 1;

export interface JitterBufferOptions {
  /** The starting (and smallest) playout delay. */
  readonly delayMs?: number;
  /** The largest delay late packets may grow the target to. */
  readonly maxDelayMs?: number;
}

export class AudioJitterBuffer {
  private readonly ring: Int16Array;
  private readonly present: Uint8Array;
  private readonly mask: number;
  private lastRaw = 0;
  private lastUnwrapped = 0;
  private playPosition = 0;
  /** End of the newest audio pushed (unwrapped timestamp units). */
  private newestEnd = 0;
  private started = false;
  private readonly baseDelay: number;
  private readonly maxDelay: number;
  /** Deeper than this, a burst cannot be absorbed by draining: skip to the target delay. */
  private readonly maxDepth: number;
  private readonly resyncDistance: number;
  private target: number;
  private minDepthSinceCheck = Number.POSITIVE_INFINITY;
  private pulledSinceCheck = 0;
  private pulledSinceLate = 0;
  /** Packets that came after their playout time (each grew the delay). */
  late = 0;
  /** Samples of received audio dropped to shrink the delay. */
  drainedSamples = 0;

  constructor(
    readonly rate: number,
    options: JitterBufferOptions | number = {},
  ) {
    const o = typeof options === "number" ? { delayMs: options } : options;
    this.baseDelay = Math.round((rate * (o.delayMs ?? 40)) / 1000);
    this.maxDelay = Math.max(this.baseDelay, Math.round((rate * (o.maxDelayMs ?? 500)) / 1000));
    this.maxDepth = this.maxDelay + Math.round(rate / 2); // half a second beyond the largest target
    this.resyncDistance = rate; // one second
    this.target = this.baseDelay;
    // Room for the deepest buffer, a step back of up to maxDelay, and a 120 ms packet.
    let size = 1024;
    while (size < this.maxDepth + this.maxDelay + Math.ceil(rate * 0.12)) size *= 2;
    this.ring = new Int16Array(size);
    this.present = new Uint8Array(size);
    this.mask = size - 1;
  }

  /** The playout delay currently aimed for, in ms. */
  get targetDelayMs(): number {
    return (this.target * 1000) / this.rate;
  }

  private unwrap(ts: number): number {
    const diff = ((ts - this.lastRaw) % WRAP) | 0; // signed 32-bit distance from the last one
    this.lastRaw = ts >>> 0;
    this.lastUnwrapped += diff;
    return this.lastUnwrapped;
  }

  private anchor(ts: number): void {
    this.lastRaw = ts >>> 0;
    this.lastUnwrapped = 0;
    this.playPosition = -this.target;
    this.newestEnd = 0;
    this.ring.fill(0);
    this.present.fill(0);
    this.started = true;
  }

  /** Forgets audio in [from, to) (ring positions about to be reused). */
  private clear(from: number, to: number): void {
    if (to - from >= this.ring.length) {
      this.ring.fill(0);
      this.present.fill(0);
      return;
    }
    const a = from & this.mask;
    const b = to & this.mask;
    if (a <= b) {
      this.ring.fill(0, a, b);
      this.present.fill(0, a, b);
    } else {
      this.ring.fill(0, a);
      this.present.fill(0, a);
      this.ring.fill(0, 0, b);
      this.present.fill(0, 0, b);
    }
  }

  /** Moves playout forward to `to`, dropping what lies before it. */
  private advance(to: number): void {
    if (to <= this.playPosition) return;
    this.clear(this.playPosition, to);
    this.playPosition = to;
  }

  push(timestamp: number, samples: Int16Array): void {
    if (!this.started) this.anchor(timestamp);
    let start = this.unwrap(timestamp);
    const n = samples.length;
    if (
      start > this.playPosition + this.resyncDistance ||
      start + n < this.playPosition - this.maxDelay
    ) {
      // Far ahead (a new source, a reset sender) or later than any delay we would grow to.
      this.anchor(timestamp);
      start = 0;
    }
    if (start + n <= this.playPosition) {
      // Late: silence already went out in its place. Step playout back to it, which lengthens
      // the delay by the gap instead of losing this and every packet of the same burst, and
      // keep the longer delay as the target for what follows.
      this.late++;
      this.pulledSinceLate = 0;
      this.target = Math.min(this.maxDelay, this.target + (this.playPosition - start));
      this.playPosition = start;
    }
    const end = start + n;
    if (end > this.newestEnd) this.newestEnd = end;
    if (end - this.playPosition > this.maxDepth) {
      // A burst far deeper than any target: keep the newest audio, at the target delay.
      this.advance(end - this.target);
    }
    // Write what falls at or after the playout position (a packet straddling it is partly
    // late). A duplicate (its first sample already here) changes nothing.
    const from = Math.max(start, this.playPosition);
    if (from >= end) return;
    const a = from & this.mask;
    if (this.present[a] === 1) return;
    const b = end & this.mask;
    const src = from === start ? samples : samples.subarray(from - start);
    if (a < b) {
      this.ring.set(src, a);
      this.present.fill(1, a, b);
    } else {
      const first = this.ring.length - a;
      this.ring.set(src.subarray(0, first), a);
      this.ring.set(src.subarray(first), 0);
      this.present.fill(1, a);
      this.present.fill(1, 0, b);
    }
  }

  /**
   * Whether audio has arrived for any time at or after the playout position: false once playout
   * has caught up with everything received (what is due next may still sit unread in the
   * socket). During the starting delay and across a gap left by a lost packet it is true: that
   * silence is part of the timeline and must be played, or playout would never move past it.
   */
  hasAudioAhead(): boolean {
    return this.started && this.newestEnd > this.playPosition;
  }

  /**
   * The next `count` samples of playout, or undefined before anything has arrived. With `out`
   * (at least `count` long) they are written there instead of into a new array.
   */
  pull(count: number, out?: Int16Array): Int16Array | undefined {
    if (!this.started) return undefined;
    const frame = out && out.length >= count ? out.subarray(0, count) : new Int16Array(count);
    const from = this.playPosition;
    const a = from & this.mask;
    const b = (from + count) & this.mask;
    if (count >= this.ring.length) {
      frame.fill(0);
    } else if (a < b) {
      frame.set(this.ring.subarray(a, b));
    } else {
      const first = this.ring.length - a;
      frame.set(this.ring.subarray(a), 0);
      frame.set(this.ring.subarray(0, b), first);
    }
    this.advance(from + count);
    this.adapt(count);
    return frame;
  }

  /** Shrinks the target after calm playout, and drains surplus depth one frame at a time. */
  private adapt(count: number): void {
    const depth = this.newestEnd - this.playPosition;
    if (depth < this.minDepthSinceCheck) this.minDepthSinceCheck = depth;
    this.pulledSinceLate += count;
    if (this.pulledSinceLate >= SHRINK_AFTER_S * this.rate) {
      this.pulledSinceLate = 0;
      this.target = Math.max(this.baseDelay, this.target - count);
    }
    this.pulledSinceCheck += count;
    if (this.pulledSinceCheck < DRAIN_CHECK_S * this.rate) return;
    // Even at its shallowest in the last stretch the buffer held a frame more than the target:
    // that much delay was never needed. Drop one frame of it (a short glitch, once a second).
    if (this.minDepthSinceCheck >= this.target + count) {
      this.drainedSamples += count;
      this.advance(this.playPosition + count);
    }
    this.pulledSinceCheck = 0;
    this.minDepthSinceCheck = Number.POSITIVE_INFINITY;
  }

  /** Forgets everything: the next packet re-anchors playout (after a codec or source change). */
  reset(): void {
    this.started = false;
  }
}
