// "Never crashed by input": whatever arrives in the headers and payloads the engine reads, it
// answers with an uncorrelated call or message, not an exception.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ALICE, newClock, party } from "./harness.js";

const junk = [
  "",
  " ",
  "<",
  ">;purpose=impp",
  "<xmpp:>;purpose=impp;echo=",
  "<xmpp:a@b/c?message;thread=%>;purpose=impp;token=AAAAAAAAAAAAAAAAAAAAAA;echo=AAAAAAAAAAAAAAAAAAAAAA",
  "<xmpp:a@b?message;thread=>;purpose=impp",
  '"<xmpp:a@b>";purpose=impp',
  "\u0000\uffff",
  "x".repeat(10_000),
];

describe("hostile input", () => {
  it("INVITEs with junk Call-Info, Session-ID and From are offered uncorrelated", () => {
    const alice = party(ALICE, newClock());
    for (const ci of junk) {
      for (const sid of [undefined, ...junk]) {
        const r = alice.engine.receiveInvite({
          fromUri: ci,
          ...(sid !== undefined ? { assertedIdentity: sid, sessionId: sid } : {}),
          viaTrustedProxy: true,
          callInfo: [ci, ci],
          media: [],
        });
        assert.notEqual(r.correlation.level, "verified");
        assert.equal(r.call.state, "ringing");
      }
    }
  });

  it("messages from unknown JIDs with arbitrary payload values never throw", () => {
    const alice = party(ALICE, newClock());
    for (const [i, v] of junk.entries()) {
      const jid = `x${i}@chat.example.test/r`;
      const r = alice.engine.receiveMessage({
        from: jid,
        thread: v,
        body: v,
        payload: { uri: v, token: v, echo: v, session: v, media: [] },
      });
      assert.ok(r.conversation);
      // nothing of it can make a later outgoing header malformed
      const conv = alice.engine.conversation(r.conversation!);
      assert.equal(conv.peerToken, undefined);
      assert.equal(conv.announcements.length, 0);
      alice.engine.receivePresence({ from: jid, sip: { uri: v, media: [] }, reach: [v] });
      assert.throws(() => alice.engine.startCall(r.conversation!, ["audio"]), {
        code: "no-sip-address",
      });
      alice.engine.receivePresence({ from: jid, reach: ["sip:x@voip.example.test"] });
      assert.ok(alice.engine.startCall(r.conversation!, ["audio"]).call);
    }
  });

  it("OPTIONS from garbage askers are refused and reported", () => {
    const alice = party(ALICE, newClock());
    alice.engine.setPolicy({ discovery: { allow: ["roster", "domain:voip.example.test"] } });
    for (const v of junk) {
      const r = alice.engine.answerOptions({
        fromUri: v,
        assertedIdentity: v,
        viaTrustedProxy: true,
      });
      assert.equal(r.callInfo, undefined);
      assert.equal(r.actions.length, 1);
    }
    assert.throws(() => alice.engine.learnFromOptions("junk", []), { code: "malformed-uri" });
  });
});
