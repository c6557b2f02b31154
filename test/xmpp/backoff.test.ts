import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay } from "../../src/xmpp/backoff.js";

describe("reconnect backoff with full jitter", () => {
  const policy = { initialDelayMs: 500, maxDelayMs: 8000, factor: 2 };
  it("grows the cap exponentially up to the maximum", () => {
    const top = () => 0.999999;
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(policy, n, top)),
      [499, 999, 1999, 3999, 7999, 7999, 7999],
    );
  });
  it("spreads delays over [0, cap) by the random source", () => {
    assert.equal(
      backoffDelay(policy, 2, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(policy, 2, () => 0.5),
      1000,
    );
    // A misbehaving random source cannot push the delay past the cap.
    assert.equal(
      backoffDelay(policy, 0, () => 7),
      500,
    );
  });
});
