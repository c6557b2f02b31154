// Audio jitter buffer: decoded frames are placed by RTP timestamp and played out at a fixed
// delay behind the first arrival, one frame per tick. Gaps play as silence, late packets are
// dropped, and a timestamp jump (new source, or a sender that reset) re-anchors playout.
// Works for any packet time: it copies by timestamp range, not by packet.

const WRAP = 2 ** 32;

interface Chunk {
  readonly start: number; // unwrapped timestamp
  readonly samples: Int16Array;
}

export class AudioJitterBuffer {
  private chunks: Chunk[] = [];
  private lastRaw = 0;
  private lastUnwrapped = 0;
  private playPosition = 0;
  private started = false;
  private readonly delay: number;
  private readonly resyncDistance: number;
  private readonly maxDepth: number;
  /** Packets that came after their playout time. */
  late = 0;

  constructor(
    readonly rate: number,
    delayMs = 40,
  ) {
    this.delay = Math.round((rate * delayMs) / 1000);
    this.resyncDistance = rate; // one second
    this.maxDepth = this.delay + Math.round(rate * 0.2);
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
    this.playPosition = -this.delay;
    this.chunks = [];
    this.started = true;
  }

  push(timestamp: number, samples: Int16Array): void {
    if (!this.started) this.anchor(timestamp);
    let start = this.unwrap(timestamp);
    if (
      start > this.playPosition + this.resyncDistance ||
      start + samples.length < this.playPosition - this.resyncDistance
    ) {
      this.anchor(timestamp);
      start = 0;
    }
    if (start + samples.length <= this.playPosition) {
      // Late: silence already went out in its place. Playout steps back to it, which lengthens
      // the delay by the gap instead of losing this and every packet of the same burst.
      this.late++;
      this.playPosition = start;
    }
    // Keep chunks sorted by start; duplicates (same start) are dropped.
    let i = this.chunks.length;
    while (i > 0 && this.chunks[i - 1]!.start > start) i--;
    if (i > 0 && this.chunks[i - 1]!.start === start) return;
    this.chunks.splice(i, 0, { start, samples });
    // Too deep (the sender's clock runs fast, or a burst): skip ahead to the target delay.
    const end = start + samples.length;
    if (end - this.playPosition > this.maxDepth) this.playPosition = end - this.delay;
  }

  /** Whether any buffered audio falls in the next `count` samples of playout. */
  hasAudioFor(count: number): boolean {
    const to = this.playPosition + count;
    return this.chunks.some((c) => c.start < to && c.start + c.samples.length > this.playPosition);
  }

  /** The next `count` samples of playout, or undefined before anything has arrived. */
  pull(count: number): Int16Array | undefined {
    if (!this.started) return undefined;
    const out = new Int16Array(count);
    const from = this.playPosition;
    const to = from + count;
    let keep = 0;
    for (const c of this.chunks) {
      const cEnd = c.start + c.samples.length;
      if (cEnd <= from) continue;
      if (c.start < to) {
        const s = Math.max(from, c.start);
        const e = Math.min(to, cEnd);
        out.set(c.samples.subarray(s - c.start, e - c.start), s - from);
      }
      if (cEnd > to) this.chunks[keep++] = c;
    }
    this.chunks.length = keep;
    this.playPosition = to;
    return out;
  }

  /** Forgets everything: the next packet re-anchors playout (after a codec or source change). */
  reset(): void {
    this.started = false;
    this.chunks = [];
  }
}
