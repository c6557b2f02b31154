// Time as the protocol layers see it. Every timer in Duet (SIP retransmission and timeouts,
// registration refresh, token expiry, RTP pacing) goes through a Clock so that tests can drive
// time by hand with FakeClock instead of waiting.

export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Milliseconds since an arbitrary origin; monotonic. */
  now(): number;
  /** Wall-clock time, for timestamps shown to people and stored. */
  wallTime(): Date;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

let nextId = 1;

/** The real clock: performance.now() and the platform's timers (works in Node and browsers). */
export class SystemClock implements Clock {
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();

  now(): number {
    return performance.now();
  }

  wallTime(): Date {
    return new Date();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = nextId++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, ms);
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t !== undefined) {
      clearTimeout(t);
      this.timers.delete(handle.id);
    }
  }
}

export const systemClock: Clock = new SystemClock();

interface FakeTimer {
  readonly id: number;
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` fires every timer due in that span in
 * order of due time (ties in order of creation), including timers those callbacks set.
 */
export class FakeClock implements Clock {
  private current: number;
  private readonly origin: number;
  private seq = 0;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(start = 0, wallOrigin = Date.UTC(2026, 0, 1)) {
    this.current = start;
    this.origin = wallOrigin;
  }

  now(): number {
    return this.current;
  }

  wallTime(): Date {
    return new Date(this.origin + this.current);
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, ms), seq: this.seq++, fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle.id);
  }

  /** Number of timers not yet fired. */
  pending(): number {
    return this.timers.size;
  }

  /** Due times (absolute) of the pending timers, soonest first. */
  pendingDueTimes(): number[] {
    return [...this.timers.values()].map((t) => t.due).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing what falls due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.timers.values()) {
        if (
          t.due <= target &&
          (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))
        ) {
          next = t;
        }
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.current = next.due;
      next.fn();
    }
    this.current = target;
  }

  /** Fires timers until none is left or `limitMs` of fake time has passed. */
  runAll(limitMs = 24 * 3600_000): void {
    const end = this.current + limitMs;
    while (this.timers.size > 0) {
      const due = Math.min(...[...this.timers.values()].map((t) => t.due));
      if (due > end) break;
      this.advance(due - this.current);
    }
  }
}
