// The TUI's reducer: API events and RPC results become the state the screen shows.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  currentCall,
  find,
  initialState,
  openConversation,
  reduce,
  type TuiAction,
  type TuiState,
} from "../../../src/cli/tui/state.js";
import type { ApiEvent, MessageView } from "../../../src/endpoint/api/index.js";
import { BOB, CAROL } from "./fake-endpoint.js";

const T0 = Date.UTC(2026, 10, 26, 12);
const run = (actions: TuiAction[], from: TuiState = initialState) => actions.reduce(reduce, from);
const ev = (event: ApiEvent, at = T0): TuiAction => ({ type: "event", event, at });
const msg = (id: string, direction: "in" | "out", text: string, at = T0): MessageView => ({
  id,
  direction,
  text,
  at,
  state: direction === "in" ? "received" : "sent",
});

const created: TuiAction = ev({
  type: "conversation.created",
  conversation: "c1",
  thread: "t1",
  peer: { jid: BOB.jid, sip: "sip:robert@voip.example.test" },
});

const loaded: TuiAction = {
  type: "loaded",
  status: {
    xmpp: { jid: "alice@chat.example.test/duet", connected: true },
    sip: { aor: "sip:alice@voip.example.test", registered: true },
    media: ["audio"],
    presence: { show: "available" },
    activeCalls: 0,
  },
  contacts: [CAROL, BOB],
  conversations: [],
};

describe("TUI state reducer", () => {
  it("loads status and sorts the roster", () => {
    const s = run([loaded]);
    assert.deepEqual(
      s.contacts.map((c) => c.jid),
      [BOB.jid, CAROL.jid],
    );
    assert.equal(s.self?.xmpp.jid, "alice@chat.example.test/duet");
  });

  it("adds a conversation once, and messages once even if the result and the event both arrive", () => {
    const m = msg("m1", "out", "hi");
    const s = run([
      created,
      created,
      { type: "open", conversation: "c1" },
      { type: "message.sent", conversation: "c1", message: m, at: T0 },
      ev({ type: "message.sent", conversation: "c1", message: m }),
    ]);
    assert.equal(s.conversations.length, 1);
    assert.deepEqual(find(s, "c1")?.messages, [m]);
    assert.equal(openConversation(s)?.conversation, "c1");
  });

  it("counts unread text and shows a banner unless the conversation is open", () => {
    let s = run([
      created,
      ev({ type: "message.received", conversation: "c1", message: msg("m1", "in", "yo") }),
    ]);
    assert.equal(find(s, "c1")?.unread, 1);
    assert.deepEqual(s.banners.at(-1), {
      kind: "message",
      conversation: "c1",
      from: BOB.jid,
      text: "yo",
    });
    s = reduce(s, { type: "open", conversation: "c1" });
    assert.equal(find(s, "c1")?.unread, 0);
    assert.equal(s.banners.length, 0, "opening the conversation clears its message banners");
    s = reduce(
      s,
      ev({ type: "message.received", conversation: "c1", message: msg("m2", "in", "again") }),
    );
    assert.equal(s.banners.length, 0);
    assert.equal(find(s, "c1")?.messages.length, 2);
  });

  it("follows an incoming call from ringing to ended, with its correlation, and drops its banner", () => {
    let s = run([
      created,
      ev({
        type: "call.incoming",
        conversation: "c1",
        call: "k1",
        from: "sip:robert@voip.example.test",
        media: ["audio"],
        correlation: { level: "verified", reason: "echo" },
      }),
    ]);
    assert.equal(s.banners.at(-1)?.kind, "call");
    assert.equal(currentCall(s)?.call, "k1");
    assert.equal(currentCall(s)?.correlation.level, "verified");
    s = reduce(
      s,
      ev(
        { type: "call.state", conversation: "c1", call: "k1", state: "active", media: ["audio"] },
        T0 + 1000,
      ),
    );
    assert.equal(s.banners.length, 0);
    assert.equal(find(s, "c1")?.calls[0]?.answeredAt, T0 + 1000);
    s = reduce(
      s,
      ev(
        {
          type: "call.state",
          conversation: "c1",
          call: "k1",
          state: "ended",
          media: ["audio"],
          reason: "hangup",
        },
        T0 + 5000,
      ),
    );
    const call = find(s, "c1")?.calls[0];
    assert.equal(call?.state, "ended");
    assert.equal(call?.reason, "hangup");
    assert.equal(call?.endedAt, T0 + 5000);
    assert.equal(currentCall(s), undefined, "an ended call is not the current call");
  });

  it("keeps verified and claimed bindings as the events say", () => {
    let s = run([created]);
    assert.equal(find(s, "c1")?.binding.level, "none");
    s = reduce(
      s,
      ev({
        type: "binding.changed",
        conversation: "c1",
        binding: { level: "claimed", reason: "session-id", since: T0 },
      }),
    );
    assert.equal(find(s, "c1")?.binding.level, "claimed");
    s = reduce(
      s,
      ev({
        type: "binding.changed",
        conversation: "c1",
        binding: { level: "verified", reason: "echo", since: T0 },
      }),
    );
    assert.deepEqual(find(s, "c1")?.binding, { level: "verified", reason: "echo", since: T0 });
  });

  it("updates presence, adding a contact it did not know", () => {
    let s = run([loaded]);
    s = reduce(
      s,
      ev({
        type: "presence.changed",
        jid: BOB.jid,
        presence: { available: true, activity: "on_the_phone" },
      }),
    );
    assert.equal(s.contacts.find((c) => c.jid === BOB.jid)?.presence?.activity, "on_the_phone");
    s = reduce(
      s,
      ev({
        type: "presence.changed",
        jid: "dave@chat.example.test",
        presence: { available: true },
      }),
    );
    assert.deepEqual(
      s.contacts.map((c) => c.jid),
      [BOB.jid, CAROL.jid, "dave@chat.example.test"],
    );
  });

  it("remembers discovery askers and subscription requests once each, with banners", () => {
    const s = run([
      ev({ type: "discovery.refused", asker: "sip:+15550100@voip.example.test" }),
      ev({ type: "discovery.refused", asker: "sip:+15550100@voip.example.test" }),
      ev({ type: "contact.request", jid: "carol@chat.example.test" }),
    ]);
    assert.deepEqual(s.refusedAskers, ["sip:+15550100@voip.example.test"]);
    assert.deepEqual(s.contactRequests, ["carol@chat.example.test"]);
    assert.equal(s.banners.at(-1)?.kind, "contact.request");
    assert.equal(reduce(s, { type: "banner.dismiss" }).banners.at(-1)?.kind, "discovery.refused");
  });

  it("orders conversations by activity and keeps the selection on the same one", () => {
    let s = run([
      created,
      ev(
        {
          type: "conversation.created",
          conversation: "c2",
          thread: "t2",
          peer: { jid: CAROL.jid },
        },
        T0 + 10,
      ),
      { type: "focus", focus: "conversations" },
    ]);
    assert.deepEqual(
      s.conversations.map((c) => c.conversation),
      ["c2", "c1"],
    );
    s = reduce(s, { type: "move", delta: 1 });
    assert.equal(s.conversations[s.conversationIndex]?.conversation, "c1");
    s = reduce(
      s,
      ev({ type: "message.received", conversation: "c1", message: msg("m1", "in", "x", T0 + 20) }),
    );
    assert.deepEqual(
      s.conversations.map((c) => c.conversation),
      ["c1", "c2"],
    );
    assert.equal(s.conversations[s.conversationIndex]?.conversation, "c1");
    s = reduce(s, { type: "move", delta: 5 });
    assert.equal(s.conversationIndex, 1, "moves stop at the end of the list");
  });

  it("notes a stream gap, and shows the connection state", () => {
    const s = run([
      { type: "connection", connection: { state: "down", problem: "x", retryInMs: 1000 } },
      ev({ type: "stream.gap", lastEventId: "r-3" }),
    ]);
    assert.equal(s.connection.state, "down");
    assert.match(s.notice?.text ?? "", /reloading/);
    assert.equal(reduce(s, { type: "notice", notice: undefined }).notice, undefined);
  });
});
