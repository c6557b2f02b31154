import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Clock, FakeClock, type TimerHandle } from "../../../src/common/clock.js";
import { FrameScheduler } from "../../../src/media/rtp/frame-scheduler.js";

/** A FakeClock whose timers fire `extra` ms after they are due, once: a stalled event loop. */
class LateClock implements Clock {
  readonly fake = new FakeClock();
  extra = 0;
  now(): number {
    return this.fake.now();
  }
  wallTime(): Date {
    return this.fake.wallTime();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = ms + this.extra;
    this.extra = 0;
    return this.fake.setTimeout(fn, delay);
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    this.fake.clearTimeout(handle);
  }
}

describe("FrameScheduler", () => {
  it("ticks on deadlines counted from the start, so late timers do not drift", () => {
    const clock = new FakeClock();
    const s = new FrameScheduler(clock);
    const at: number[] = [];
    s.every(20, () => at.push(clock.now()));
    clock.advance(100);
    // The timer is asked 1 ms early (platform timers run late); frames within 2 ms of their
    // deadline go out.
    assert.deepEqual(at, [19, 39, 59, 79, 99]);
  });

  it("catches up missed frames after a stall, reporting how late each is", () => {
    const clock = new LateClock();
    const s = new FrameScheduler(clock);
    const late: number[] = [];
    s.every(20, (l) => late.push(l));
    clock.extra = 45; // the event loop stalls: the timer set after the first frame runs 45 ms late
    clock.fake.advance(20);
    clock.fake.advance(80);
    assert.deepEqual(late.slice(0, 4), [0, 44, 24, 4]);
    assert.equal(late[4], 0); // back on the original grid
  });

  it("skips ahead after a very long stall instead of a burst", () => {
    const clock = new LateClock();
    const s = new FrameScheduler(clock);
    let n = 0;
    clock.extra = 3000;
    s.every(20, () => n++);
    clock.fake.advance(3020);
    // 50 caught up, the rest skipped; the next frame on the grid (3020) is within the early window.
    assert.equal(n, 51);
    clock.fake.advance(20);
    assert.equal(n, 52);
  });

  it("serves many tasks with one timer and stops each on request", () => {
    const clock = new FakeClock();
    const s = new FrameScheduler(clock);
    const counts = [0, 0, 0];
    const stops = counts.map((_, i) => s.every(20, () => counts[i]!++));
    assert.equal(clock.pending(), 1);
    clock.advance(60);
    stops[1]!();
    clock.advance(40);
    assert.deepEqual(counts, [5, 3, 5]);
    stops[0]!();
    stops[2]!();
    assert.equal(clock.pending(), 0);
  });
});
