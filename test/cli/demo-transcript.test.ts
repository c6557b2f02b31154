// The demo's transcript (src/cli/demo-transcript.ts) with a fake clock and a fake terminal:
// lines say when, who, over which protocol and what; the progress line appears only on a
// terminal, counts the time waited, is taken away before each line and drawn again after it.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Transcript } from "../../src/cli/demo-transcript.js";
import { FakeClock } from "../../src/common/clock.js";

function setUp(withTty: boolean) {
  const clock = new FakeClock(1000);
  const lines: string[] = [];
  const screen: string[] = [];
  const t = new Transcript({
    out: (l) => {
      lines.push(l);
      screen.push(`${l}\n`);
    },
    ...(withTty ? { tty: { write: (s: string) => screen.push(s) } } : {}),
    clock,
  });
  return { clock, lines, screen, t };
}

describe("demo transcript", () => {
  it("times each line from the start of its step and closes the step with its level", () => {
    const { clock, lines, t } = setUp(false);
    t.beginStep(4, 11, "A chat that gains a call");
    clock.advance(250);
    t.event("bob → alice", "SIP", "INVITE (audio)");
    clock.advance(1000);
    t.endStep(true, 1250, { level: "verified", reason: "echo" }, "");
    assert.deepEqual(lines, [
      "",
      "[4/11] A chat that gains a call",
      "  +  0.25s  bob → alice     SIP   INVITE (audio)",
      "  ✓ passed in 1.25 s · correlation verified (echo)",
    ]);
  });

  it("draws no progress line without a terminal and leaves no timer behind", () => {
    const { clock, screen, t } = setUp(false);
    const done = t.waiting("the call to ring");
    clock.advance(500);
    done();
    assert.equal(clock.pending(), 0);
    assert.ok(!screen.join("").includes("waiting"));
  });

  it("on a terminal shows what it waits for, with the time, around the transcript lines", () => {
    const { clock, screen, t } = setUp(true);
    t.beginStep(1, 2, "step");
    const done = t.waiting("bob to answer");
    assert.match(screen.at(-1)!, /waiting for bob to answer… 0\.0 s$/);
    clock.advance(300);
    assert.match(screen.at(-1)!, /waiting for bob to answer… 0\.3 s$/);
    // A line in between: the progress line is erased first and drawn again after it.
    t.event("bob", "SIP", "answers");
    const tail = screen.slice(-3);
    assert.equal(tail[0], "\r\x1b[2K");
    assert.match(tail[1]!, /bob +SIP +answers\n$/);
    assert.match(tail[2]!, /waiting for bob to answer/);
    done();
    assert.equal(screen.at(-1), "\r\x1b[2K");
    assert.equal(clock.pending(), 0);
    const after = screen.length;
    clock.advance(1000);
    assert.equal(screen.length, after, "the progress line came back after the wait ended");
  });
});
