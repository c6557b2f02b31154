import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callStateOf, composePresence, ON_THE_PHONE_STATUS } from "../../src/coex/presence.js";

const self = {
  uri: "sip:alice@voip.example.test;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
  aor: "sip:alice@voip.example.test",
  media: ["audio", "video"] as const,
};

describe("REQ-3 presence composition (PROFILE.md §2)", () => {
  it("idle: the user's state as chosen, <sip call=idle/>, <reach> with the AOR, no activity", () => {
    const p = composePresence({ status: "at my desk" }, [], self);
    assert.deepEqual(p, {
      sip: { uri: self.uri, media: self.media, call: "idle" },
      reach: [self.aor],
      status: "at my desk",
    });
  });

  it("ringing: call=ringing, the user's state untouched", () => {
    const p = composePresence({}, [{ state: "ringing", media: ["audio"] }], self);
    assert.equal(p.sip.call, "ringing");
    assert.equal(p.show, undefined);
    assert.equal(p.activity, undefined);
  });

  it("busy from plain available: dnd + 'On the phone' and on_the_phone activity", () => {
    const p = composePresence({ status: "hi" }, [{ state: "active", media: ["audio"] }], self);
    assert.equal(p.sip.call, "busy");
    assert.equal(p.show, "dnd");
    assert.equal(p.status, ON_THE_PHONE_STATUS);
    assert.equal(p.activity, "on_the_phone");
  });

  it("video makes it on_video_phone", () => {
    const p = composePresence(
      {},
      [
        { state: "ringing", media: ["audio"] },
        { state: "active", media: ["audio", "video"] },
      ],
      self,
    );
    assert.equal(p.activity, "on_video_phone");
    assert.equal(p.sip.call, "busy");
  });

  it("never overrides an explicit away, dnd or xa (activity still published)", () => {
    for (const show of ["away", "dnd", "xa"] as const) {
      const p = composePresence(
        { show, status: "mine" },
        [{ state: "active", media: ["audio"] }],
        self,
      );
      assert.equal(p.show, show);
      assert.equal(p.status, "mine");
      assert.equal(p.activity, "on_the_phone");
    }
  });

  it("restores the user's own state when the last call ends", () => {
    const own = { status: "back soon" };
    const during = composePresence(own, [{ state: "active", media: ["audio"] }], self);
    assert.equal(during.show, "dnd");
    const after = composePresence(own, [], self);
    assert.equal(after.show, undefined);
    assert.equal(after.status, "back soon");
    assert.equal(after.activity, undefined);
    assert.equal(after.sip.call, "idle");
  });

  it("never carries a token: the composed presence has no token field anywhere", () => {
    const p = composePresence({}, [{ state: "active", media: ["audio", "video"] }], self);
    assert.doesNotMatch(JSON.stringify(p), /token|echo/);
    assert.equal(callStateOf([]), "idle");
  });
});
