// The command line's parser: what each line means, and what is wrong with a bad one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCommand, peerUri } from "../../../src/cli/tui/commands.js";

describe("TUI command line", () => {
  it("sends plain text, and // escapes a leading slash", () => {
    assert.deepEqual(parseCommand("  hello there "), {
      kind: "say",
      text: "hello there",
      force: false,
    });
    assert.deepEqual(parseCommand("//shrug"), { kind: "say", text: "/shrug", force: false });
    assert.deepEqual(parseCommand("/force as is"), { kind: "say", text: "as is", force: true });
  });

  it("parses calls, media and call control", () => {
    assert.deepEqual(parseCommand("/call"), { kind: "call", media: ["audio"] });
    assert.deepEqual(parseCommand("/call sip:robert@voip.example.test video"), {
      kind: "call",
      peer: "sip:robert@voip.example.test",
      media: ["audio", "video"],
    });
    assert.deepEqual(parseCommand("/video off"), { kind: "video", on: false });
    assert.deepEqual(parseCommand("/answer video"), { kind: "answer", media: ["audio", "video"] });
    assert.deepEqual(parseCommand("/reject"), { kind: "reject", reason: "decline" });
    assert.deepEqual(parseCommand("/reject busy"), { kind: "reject", reason: "busy" });
    assert.deepEqual(parseCommand("/hangup"), { kind: "hangup" });
    assert.deepEqual(parseCommand("/dtmf 1 2 #a"), { kind: "dtmf", digits: "12#A" });
  });

  it("parses discovery, policy and contacts", () => {
    assert.deepEqual(parseCommand("/discover sip:alice@voip.example.test"), {
      kind: "discover",
      sip: "sip:alice@voip.example.test",
    });
    assert.deepEqual(parseCommand("/allow domain:voip.example.test"), {
      kind: "allow",
      rule: "domain:voip.example.test",
    });
    assert.deepEqual(parseCommand("/disallow *"), { kind: "disallow", rule: "*" });
    assert.deepEqual(parseCommand("/deny mallory@chat.example.test"), {
      kind: "approve",
      jid: "mallory@chat.example.test",
      approve: false,
    });
    assert.deepEqual(parseCommand("/add dave@chat.example.test Dave D"), {
      kind: "add",
      jid: "dave@chat.example.test",
      name: "Dave D",
    });
    assert.deepEqual(parseCommand("/status dnd in a meeting"), {
      kind: "presence",
      show: "dnd",
      status: "in a meeting",
    });
    assert.deepEqual(parseCommand("/chat bob@chat.example.test hi bob"), {
      kind: "chat",
      peer: "bob@chat.example.test",
      text: "hi bob",
    });
  });

  it("says what is wrong with a bad line", () => {
    const err = (line: string) => {
      const p = parseCommand(line);
      assert.equal(p.kind, "error", line);
      return p.kind === "error" ? p.text : "";
    };
    assert.match(err("/dtmf 12x"), /0-9, \*, # and A-D/);
    assert.match(err("/discover alice"), /needs a sip: URI/);
    assert.match(err("/allow everyone"), /not a rule/);
    assert.match(err("/video maybe"), /on or off/);
    assert.match(err("/status busy"), /available, chat, away, xa, dnd/);
    assert.match(err("/frobnicate"), /no command \/frobnicate/);
    assert.match(err("   "), /nothing to send/);
  });

  it("turns a bare JID into an xmpp: URI and leaves URIs alone", () => {
    assert.equal(peerUri("bob@chat.example.test"), "xmpp:bob@chat.example.test");
    assert.equal(peerUri("sip:robert@voip.example.test"), "sip:robert@voip.example.test");
    assert.equal(peerUri("xmpp:bob@chat.example.test"), "xmpp:bob@chat.example.test");
  });
});
