import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeClock } from "../../src/common/clock.js";

describe("FakeClock", () => {
  it("fires timers in due order, including ones set by callbacks, only when advanced", () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimeout(() => fired.push(`c@${clock.now()}`), 50);
    }, 100);
    assert.deepEqual(fired, []);
    clock.advance(149);
    assert.deepEqual(fired, ["a@100"]);
    clock.advance(100);
    assert.deepEqual(fired, ["a@100", "c@150", "b@200"]);
    assert.equal(clock.now(), 249);
  });

  it("keeps creation order for timers due at the same time, and honours clearTimeout", () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), 10);
    const h = clock.setTimeout(() => fired.push(2), 10);
    clock.setTimeout(() => fired.push(3), 10);
    clock.clearTimeout(h);
    clock.runAll();
    assert.deepEqual(fired, [1, 3]);
    assert.equal(clock.pending(), 0);
  });
});
