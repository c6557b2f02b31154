// How the state reads at 80×24: the layout adds up, lines never overflow, and verified and
// claimed bindings read differently.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bannerLine,
  bindingWord,
  conversationTitle,
  fit,
  rosterEntry,
  timeline,
  wrap,
} from "../../../src/cli/tui/format.js";
import { layoutFor } from "../../../src/cli/tui/layout.js";
import { type ConversationState, initialState } from "../../../src/cli/tui/state.js";
import { BOB, CAROL } from "./fake-endpoint.js";

const T0 = Date.UTC(2026, 10, 26, 12);
const conv: ConversationState = {
  conversation: "c1",
  thread: "t1",
  peer: { jid: BOB.jid, sip: "sip:robert@voip.example.test" },
  binding: { level: "verified", reason: "echo", since: T0 },
  messages: [
    {
      id: "m1",
      direction: "out",
      text: "a long line that must wrap inside the right column of the screen",
      at: T0,
      state: "sent",
    },
    { id: "m2", direction: "out", text: "held one", at: T0 + 2, state: "held" },
  ],
  calls: [
    {
      call: "k1",
      direction: "incoming",
      state: "active",
      media: ["audio", "video"],
      peer: "sip:robert@voip.example.test",
      correlation: { level: "claimed", reason: "session-id" },
      startedAt: T0 + 1,
    },
  ],
  lastActivity: T0 + 2,
  unread: 0,
  loaded: true,
};

describe("TUI formatting", () => {
  it("lays out 80×24 within the terminal", () => {
    const l = layoutFor(80, 24);
    assert.equal(l.leftWidth + 1 + l.rightWidth, 80);
    assert.equal(l.bodyRows + 4, l.height);
    assert.ok(l.height < 24, "one row spare so Ink does not clear the screen on each frame");
    assert.deepEqual(layoutFor(0, 0), layoutFor(80, 24), "an unknown size is taken as 80×24");
  });

  it("fits and wraps by columns", () => {
    assert.equal(fit("abcdef", 4), "abc…");
    assert.equal(fit("ab", 4), "ab  ");
    assert.deepEqual(wrap("one two three", 7), ["one two", "three"]);
    assert.deepEqual(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
  });

  it("shows verified, claimed and unbound differently", () => {
    const words = (["verified", "claimed", "none"] as const).map(
      (level) => bindingWord({ level, reason: "echo" }).text,
    );
    assert.deepEqual(words, ["✓ verified", "? claimed", "not bound"]);
  });

  it("puts presence, SIP capability and on-the-phone in a roster entry", () => {
    const w = layoutFor(80, 24).leftWidth;
    const busy = { ...BOB, presence: { ...BOB.presence!, activity: "on_the_phone" as const } };
    const [name, info] = rosterEntry(initialState, busy, w, true);
    assert.equal(name.text.trimEnd(), "›● bob@chat.example.test");
    assert.equal(info.text.trimEnd(), "   ☎ on phone · SIP a+v");
    assert.equal(
      rosterEntry(initialState, CAROL, w, false)[1].text.trimEnd(),
      "   offline · no SIP",
    );
    const withConv = { ...initialState, conversations: [conv] };
    assert.equal(
      rosterEntry(withConv, BOB, w, false)[1].text.trimEnd(),
      "   online · SIP a+v · ✓ verified",
    );
  });

  it("merges messages and calls in time order, every line within the column", () => {
    const w = layoutFor(80, 24).rightWidth;
    const lines = timeline(conv, w).map((l) => l.text.trimEnd());
    assert.ok(lines.every((l) => [...l].length <= w));
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    assert.ok(at("me: a long line") < at("☎ ← video call active"));
    assert.ok(at("? claimed (session-id)") < at("held one [held]"));
    // The long message goes on under its text, indented past "HH:MM me: ".
    assert.ok(
      lines.some((l) => /^ {10}\S.*column of the screen$/.test(l)),
      lines.join("\n"),
    );
    assert.deepEqual(
      conversationTitle(conv, w).map((l) => l.text.trim()),
      ["bob@chat.example.test", "sip:robert@voip.example.test", "✓ verified (echo)"],
    );
  });

  it("names the keys or the commands in the call banner, depending on focus", () => {
    const b = {
      kind: "call" as const,
      conversation: "c1",
      call: "k1",
      from: "sip:robert@voip.example.test",
      media: ["audio" as const],
      correlation: { level: "verified" as const, reason: "echo" as const },
    };
    assert.match(
      bannerLine(b, 80).text,
      /audio call from sip:robert@voip\.example\.test · ✓ verified · a answer r reject/,
    );
    assert.match(bannerLine(b, 80, true).text, /\/answer \/reject/);
  });
});
