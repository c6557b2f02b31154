// Drift-corrected periodic ticks for media pacing. Every task's deadlines are computed from its
// start (start + n × interval), never from when the last tick happened to run, so that timer
// lateness does not accumulate into a slow clock. A late tick is caught up by running the task
// for each missed deadline (bounded), which keeps the RTP timestamps in step with real time.
// One scheduler, one Clock timer, serves any number of streams: what makes hundreds of calls in
// one process cheap.

import type { Clock, TimerHandle } from "../../common/clock.js";

/** Called for each due frame; `lateMs` says how far behind its deadline the call is. */
export type FrameTask = (lateMs: number) => void;

interface Entry {
  readonly interval: number;
  readonly run: FrameTask;
  readonly start: number;
  count: number;
  active: boolean;
}

/**
 * Tasks due this soon run together with the ones due now: a frame sent 2 ms early is harmless,
 * and it spares a timer wake-up per stream when hundreds of streams have scattered phases.
 */
const EARLY_MS = 2;

/**
 * After a stall (a busy or starved event loop) missed frames are run at once, up to a second's
 * worth: the peer's jitter buffer absorbs the burst and no audio is lost. Beyond that the
 * deadlines jump ahead — after so long a gap, a burst would only be played late.
 */
const MAX_CATCH_UP = 50;

export class FrameScheduler {
  private readonly entries = new Set<Entry>();
  private timer: TimerHandle | undefined;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly clock: Clock) {}

  /** Runs `task` every `intervalMs`, first after one interval. Returns a function that stops it. */
  every(intervalMs: number, task: FrameTask): () => void {
    const entry: Entry = {
      interval: intervalMs,
      run: task,
      start: this.clock.now(),
      count: 1,
      active: true,
    };
    this.entries.add(entry);
    this.arm();
    return () => {
      entry.active = false;
      this.entries.delete(entry);
      if (this.entries.size === 0) {
        this.clock.clearTimeout(this.timer);
        this.timer = undefined;
        this.armedFor = Number.POSITIVE_INFINITY;
      }
    };
  }

  private deadline(e: Entry): number {
    return e.start + e.count * e.interval;
  }

  private arm(): void {
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.entries) next = Math.min(next, this.deadline(e));
    if (next === Number.POSITIVE_INFINITY || next >= this.armedFor) return;
    this.clock.clearTimeout(this.timer);
    this.armedFor = next;
    // Platform timers fire a millisecond or so after they are due; asking one early keeps that
    // slop inside the early window instead of adding it to every frame's lateness.
    const lead = EARLY_MS / 2;
    this.timer = this.clock.setTimeout(
      () => this.fire(),
      Math.max(0, next - lead - this.clock.now()),
    );
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    for (const e of [...this.entries]) {
      let ran = 0;
      while (e.active && this.deadline(e) <= now + EARLY_MS) {
        if (ran === MAX_CATCH_UP) {
          e.count = Math.floor((now - e.start) / e.interval) + 1;
          break;
        }
        // Lateness as of this task's own turn, not the batch's start: with hundreds of streams
        // in one batch, the last ones go out measurably after the first.
        const late = this.clock.now() - this.deadline(e);
        e.count++;
        ran++;
        e.run(Math.max(0, late));
      }
    }
    this.arm();
  }
}
