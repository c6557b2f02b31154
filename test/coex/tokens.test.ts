import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cryptoRandomBytes } from "../../src/coex/random.js";
import { TokenStore } from "../../src/coex/tokens.js";
import { isWellFormedToken } from "../../src/coex/wire/token.js";
import { FakeClock } from "../../src/common/clock.js";

const BOB_JID = "bob@chat.example.test";
const BOB_SIP = "sip:robert@voip.example.test";
const MALLORY_SIP = "sip:mallory@voip.example.test";

function store() {
  const clock = new FakeClock();
  return { clock, tokens: new TokenStore(clock, cryptoRandomBytes) };
}

describe("token store (PROFILE.md §3, §5)", () => {
  it("issues distinct well-formed tokens stored with peer, conversation and expiry", () => {
    const { clock, tokens } = store();
    const a = tokens.issue({
      issuedOver: "xmpp",
      conversation: "c1",
      issuedTo: BOB_JID,
      lifetimeMs: 1000,
    });
    const b = tokens.issue({
      issuedOver: "xmpp",
      conversation: "c1",
      issuedTo: BOB_JID,
      lifetimeMs: 1000,
    });
    assert.notEqual(a.value, b.value);
    assert.ok(isWellFormedToken(a.value));
    assert.equal(a.issuedTo, BOB_JID);
    assert.equal(a.conversation, "c1");
    assert.equal(a.expiresAt, clock.wallTime().getTime() + 1000);
  });

  it("verifies only over the other protocol, and binds the first SIP identity", () => {
    const { tokens } = store();
    const t = tokens.issue({
      issuedOver: "xmpp",
      conversation: "c1",
      issuedTo: BOB_JID,
      lifetimeMs: 60_000,
    });
    assert.equal(tokens.checkEcho(t.value, "xmpp", BOB_JID).result, "wrong-carrier");
    assert.equal(tokens.checkEcho(t.value, "sip", BOB_SIP).result, "verified");
    assert.equal(tokens.find(t.value)?.boundTo, BOB_SIP);
    assert.equal(tokens.checkEcho(t.value, "sip", BOB_SIP).result, "verified");
    const replay = tokens.checkEcho(t.value, "sip", MALLORY_SIP);
    assert.deepEqual(replay.result, "bound-elsewhere");
    assert.equal(replay.result === "bound-elsewhere" && replay.boundTo, BOB_SIP);
  });

  it("an unknown or guessed token never matches", () => {
    const { tokens } = store();
    const t = tokens.issue({
      issuedOver: "xmpp",
      conversation: "c1",
      issuedTo: BOB_JID,
      lifetimeMs: 60_000,
    });
    const guess = `${t.value.slice(0, 20)}${t.value[20] === "A" ? "B" : "A"}${t.value[21]}`;
    assert.equal(tokens.checkEcho(guess, "sip", BOB_SIP).result, "unknown");
    assert.equal(tokens.checkEcho("", "sip", BOB_SIP).result, "unknown");
  });

  it("XMPP-issued tokens expire after the thread idles; activity pushes expiry", () => {
    const { clock, tokens } = store();
    const t = tokens.issue({
      issuedOver: "xmpp",
      conversation: "c1",
      issuedTo: BOB_JID,
      lifetimeMs: 1000,
    });
    clock.advance(900);
    tokens.touchThread("c1", 1000);
    clock.advance(900);
    assert.equal(tokens.checkEcho(t.value, "sip", BOB_SIP).result, "verified");
    clock.advance(1000);
    tokens.touchThread("c1", 1000); // dead stays dead
    assert.equal(tokens.checkEcho(t.value, "sip", BOB_SIP).result, "expired");
    assert.equal(tokens.current("c1", "xmpp"), undefined);
  });

  it("SIP-issued tokens live for the dialog, then the grace period", () => {
    const { clock, tokens } = store();
    const t = tokens.issue({
      issuedOver: "sip",
      conversation: "c1",
      call: "k1",
      issuedTo: BOB_SIP,
      expected: BOB_JID,
    });
    clock.advance(10 * 24 * 3600_000); // a very long call
    assert.equal(t.expiresAt, undefined);
    tokens.dialogEnded("k1", 15 * 60_000);
    clock.advance(15 * 60_000 - 1);
    assert.equal(tokens.checkEcho(t.value, "xmpp", BOB_JID).result, "verified");
    clock.advance(1);
    assert.equal(tokens.checkEcho(t.value, "xmpp", BOB_JID).result, "expired");
  });

  it("a token named for one identity is refused from another, without binding it", () => {
    const { tokens } = store();
    const t = tokens.issue({
      issuedOver: "sip",
      conversation: "c1",
      call: "k1",
      issuedTo: BOB_SIP,
      expected: BOB_JID,
    });
    assert.equal(
      tokens.checkEcho(t.value, "xmpp", "mallory@chat.example.test").result,
      "unexpected-identity",
    );
    assert.equal(tokens.find(t.value)?.boundTo, undefined);
    assert.equal(tokens.checkEcho(t.value, "xmpp", BOB_JID).result, "verified");
  });

  it("forgets tokens a week after they expired; then they are unknown", () => {
    const { clock, tokens } = store();
    const t = tokens.issue({
      issuedOver: "xmpp",
      conversation: "c1",
      issuedTo: BOB_JID,
      lifetimeMs: 1000,
    });
    clock.advance(7 * 24 * 3600_000);
    tokens.purge();
    assert.equal(tokens.checkEcho(t.value, "sip", BOB_SIP).result, "expired");
    clock.advance(1000);
    tokens.purge();
    assert.equal(tokens.checkEcho(t.value, "sip", BOB_SIP).result, "unknown");
  });
});
