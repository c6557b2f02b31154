// Sends digits as RFC 4733 events, one frame per pacing tick: while an event lasts, the stream
// sends event packets instead of audio (§2.5.1.2), all with the event's start timestamp and a
// growing duration, the first with the marker bit, and the end packet three times (§2.5.1.4).

import { InvalidArgumentError } from "../errors.js";
import { encodeTelephoneEvent, eventOf } from "./telephone-event.js";

export interface DtmfFrame {
  readonly payload: Buffer;
  readonly marker: boolean;
  /** True for the first packet of an event: the caller starts a new timestamp for it. */
  readonly first: boolean;
}

const END_REPEATS = 3;
const VOLUME = 10; // -10 dBm0, a typical keypad level

interface Pending {
  readonly event: number;
  readonly durationMs: number;
}

export class DtmfSender {
  private readonly queue: Pending[] = [];
  private current: { event: number; total: number; elapsed: number; endsSent: number } | undefined;
  private gapLeft = 0;

  constructor(
    private readonly clockRate: number,
    private readonly gapMs = 60,
  ) {}

  /** Queues digits (0-9, *, #, A-D). Throws for anything else before queuing any. */
  enqueue(digits: string, durationMs = 100): void {
    const events = [...digits].map((d) => {
      const e = eventOf(d);
      if (e === undefined) {
        throw new InvalidArgumentError(`"${d}" is not a DTMF digit: use 0-9, *, #, A-D`);
      }
      return e;
    });
    if (durationMs < 40 || durationMs > 5000) {
      throw new InvalidArgumentError(`DTMF duration ${durationMs} ms is outside 40-5000 ms`);
    }
    for (const event of events) this.queue.push({ event, durationMs });
  }

  get busy(): boolean {
    return this.current !== undefined || this.queue.length > 0;
  }

  /**
   * The event packet for this frame of `frameMs`, or undefined when the stream should send audio
   * (no event, or the pause between two digits).
   */
  nextFrame(frameMs: number): DtmfFrame | undefined {
    if (!this.current) {
      if (this.gapLeft > 0) {
        this.gapLeft -= frameMs;
        return undefined;
      }
      const next = this.queue.shift();
      if (!next) return undefined;
      this.current = {
        event: next.event,
        total: Math.round((next.durationMs * this.clockRate) / 1000),
        elapsed: 0,
        endsSent: 0,
      };
    }
    const c = this.current;
    const first = c.elapsed === 0 && c.endsSent === 0;
    c.elapsed = Math.min(c.total, c.elapsed + Math.round((frameMs * this.clockRate) / 1000));
    const end = c.elapsed >= c.total;
    if (end) c.endsSent++;
    const payload = encodeTelephoneEvent({
      event: c.event,
      end,
      volume: VOLUME,
      duration: c.elapsed,
    });
    if (c.endsSent >= END_REPEATS) {
      this.current = undefined;
      this.gapLeft = this.gapMs;
    }
    return { payload, marker: first, first };
  }
}
