// REQ-4 through the engine (PROFILE.md §4; acceptance 5).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ALICE, BOB, CAROL, eventsOf, newClock, party } from "./harness.js";

function aliceWithBobInRoster() {
  const alice = party(ALICE, newClock());
  alice.engine.setRoster(["bob@chat.example.test", "carol@chat.example.test"]);
  // bob's presence lists his AOR (XEP-0152); carol's presence says nothing about SIP
  alice.engine.receivePresence({
    from: BOB.self.jid,
    reach: [BOB.aor],
    sip: { uri: BOB.self.sipUri!, media: ["audio"] },
  });
  alice.engine.receivePresence({ from: CAROL.self.jid });
  return alice;
}

describe("REQ-4 discovery through the engine", () => {
  it("bob (roster, SIP address known) learns alice's bare JID; carol gets nothing and alice is told", () => {
    const alice = aliceWithBobInRoster();
    const forBob = alice.engine.answerOptions({
      fromUri: `<${BOB.aor}>;tag=1`,
      assertedIdentity: `<${BOB.aor}>`,
      viaTrustedProxy: true,
    });
    assert.equal(forBob.callInfo, "<xmpp:alice@chat.example.test>;purpose=impp");
    assert.equal(forBob.actions.length, 0);
    const forCarol = alice.engine.answerOptions({
      fromUri: `<${CAROL.aor}>;tag=1`,
      assertedIdentity: `<${CAROL.aor}>`,
      viaTrustedProxy: true,
    });
    assert.equal(forCarol.callInfo, undefined);
    assert.deepEqual(eventsOf(forCarol.actions, "discovery.refused"), [
      { type: "discovery.refused", asker: CAROL.aor },
    ]);
  });

  it("after policy.set listing carol, carol succeeds", () => {
    const alice = aliceWithBobInRoster();
    alice.engine.setPolicy({ discovery: { allow: ["roster", CAROL.aor] } });
    assert.ok(alice.engine.answerOptions({ fromUri: CAROL.aor, viaTrustedProxy: false }).callInfo);
    alice.engine.setPolicy({ discovery: { allow: ["domain:voip.example.test"] } });
    assert.ok(
      alice.engine.answerOptions({
        fromUri: "sip:anyone@voip.example.test",
        viaTrustedProxy: false,
      }).callInfo,
    );
    assert.throws(() => alice.engine.setPolicy({ discovery: { allow: ["everyone"] } }), {
      code: "malformed-policy",
    });
  });

  it("an asker spoofing bob's From through the trusted proxy is judged by its PAI", () => {
    const alice = aliceWithBobInRoster();
    const r = alice.engine.answerOptions({
      fromUri: BOB.aor,
      assertedIdentity: CAROL.aor,
      viaTrustedProxy: true,
    });
    assert.equal(r.callInfo, undefined);
  });

  it("the asker's learned JID is claimed until that JID's presence lists the same AOR", () => {
    const bob = party(BOB, newClock());
    const learned = bob.engine.learnFromOptions(ALICE.aor, [
      "<xmpp:alice@chat.example.test>;purpose=impp",
    ]);
    assert.equal(learned.jid, "alice@chat.example.test");
    assert.equal(learned.level, "claimed");
    assert.equal(bob.engine.discoveredLink(ALICE.aor)?.reason, "discovery");
    // a presence listing another AOR proves nothing
    assert.equal(
      bob.engine.receivePresence({ from: ALICE.self.jid, reach: ["sip:other@voip.example.test"] })
        .length,
      0,
    );
    const acts = bob.engine.receivePresence({ from: ALICE.self.jid, reach: [ALICE.aor] });
    assert.deepEqual(eventsOf(acts, "discovery.learned")[0], {
      type: "discovery.learned",
      sip: ALICE.aor,
      jid: "alice@chat.example.test",
      level: "verified",
    });
    assert.equal(bob.engine.discoveredLink(ALICE.aor)?.reason, "mutual-listing");
  });

  it("an answer without impp Call-Info teaches nothing", () => {
    const bob = party(BOB, newClock());
    assert.deepEqual(bob.engine.learnFromOptions(CAROL.aor, []), { level: "none", actions: [] });
    assert.equal(bob.engine.discoveredLink(CAROL.aor), undefined);
  });
});
