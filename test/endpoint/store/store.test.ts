// The store's records on a real file: conversations, incoming messages and their shown state,
// outgoing held/released/sent, call history, the policy; all still there after close and
// reopen, and nothing usable after close.

import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { CallRecord, Conversation, MessageRecord } from "../../../src/coex/index.js";
import { FakeClock } from "../../../src/common/clock.js";
import { DuetStore, SCHEMA_VERSION, StoreError } from "../../../src/endpoint/store/index.js";
import { useTempDir } from "./temp-dir.js";

const dir = useTempDir("store");
let n = 0;
const freshPath = () => join(dir(), `store-${n++}.sqlite`);

function conversation(id: string, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id,
    thread: `thread-${id}`,
    createdAt: 1000,
    lastActivity: 1000,
    peer: {
      jid: "bob@chat.example.test",
      fullJid: "bob@chat.example.test/phone",
      jidSource: "xmpp",
      sip: "sip:robert@voip.example.test",
      sipSource: "advertised",
      sipContact: "sip:robert@voip.example.test;gr=urn:uuid:1",
      media: ["audio", "video"],
    },
    binding: { level: "claimed", reason: "sip-address-advertised", since: 1000 },
    calls: [],
    messages: [],
    announcements: [],
    ...overrides,
  };
}

function message(id: string, direction: "in" | "out", text: string, at = 2000): MessageRecord {
  return { id, direction, text, at, state: direction === "in" ? "received" : "held" };
}

function call(id: string, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    direction: "incoming",
    state: "ringing",
    media: ["audio"],
    peerSip: "sip:robert@voip.example.test",
    localSession: "a".repeat(32),
    remoteSession: "b".repeat(32),
    correlation: { level: "verified", reason: "echo" },
    startedAt: 3000,
    ...overrides,
  };
}

describe("DuetStore records", () => {
  it("creates a new file at the current schema version, empty", () => {
    const store = DuetStore.open(freshPath());
    try {
      assert.equal(store.schemaVersion, SCHEMA_VERSION);
      assert.deepEqual(store.conversations(), []);
      assert.equal(store.loadSnapshot(), undefined);
      assert.equal(store.policy(), undefined);
    } finally {
      store.close();
    }
  });

  it("keeps conversations, messages and their delivery states across close and reopen", () => {
    const path = freshPath();
    const clock = new FakeClock(0, Date.UTC(2026, 5, 1));
    let store = DuetStore.open(path, { clock });
    const conv = conversation("conv-1");
    store.recordIncoming(conv, message("m1", "in", "hello"));
    store.recordIncoming(conv, message("m2", "in", "are you there?"));
    // the same message recorded twice (e.g. redelivered) is kept once
    store.recordIncoming(conv, message("m1", "in", "hello"));
    store.recordOutgoing(conv, message("m3", "out", "held for now"));
    store.recordOutgoing(conv, { ...message("m4", "out", "at once"), state: "sent" });
    store.markShown("m1");
    store.close();

    store = DuetStore.open(path, { clock });
    try {
      assert.deepEqual(
        store.messages("conv-1").map((m) => [m.id, m.direction, m.text, m.state]),
        [
          ["m1", "in", "hello", "shown"],
          ["m2", "in", "are you there?", "received"],
          ["m3", "out", "held for now", "held"],
          ["m4", "out", "at once", "sent"],
        ],
      );
      assert.equal(store.message("m1")?.shownAt, Date.UTC(2026, 5, 1));
      assert.deepEqual(
        store.unshown().map((m) => m.id),
        ["m2"],
      );
      // released moves a held message on; nothing moves a sent or shown one back
      store.recordOutgoing(conv, message("m3", "out", "held for now"), "released");
      store.recordOutgoing(conv, message("m4", "out", "at once"), "held");
      store.markShown("m2", "m3", "unknown-id");
      assert.deepEqual(
        store.messages("conv-1").map((m) => m.state),
        ["shown", "shown", "released", "sent"],
      );
      assert.deepEqual(store.unshown(), []);
      const stored = store.conversation("conv-1");
      assert.deepEqual(stored, {
        id: conv.id,
        thread: conv.thread,
        createdAt: conv.createdAt,
        lastActivity: conv.lastActivity,
        peer: conv.peer,
        binding: conv.binding,
      });
    } finally {
      store.close();
    }
  });

  it("updates a conversation's binding and lists the most recently active first", () => {
    const store = DuetStore.open(freshPath());
    try {
      store.saveConversation(conversation("old", { lastActivity: 1000 }));
      store.saveConversation(conversation("new", { lastActivity: 5000 }));
      store.saveConversation(
        conversation("old", {
          lastActivity: 9000,
          binding: { level: "verified", reason: "echo", since: 9000 },
        }),
      );
      assert.deepEqual(
        store.conversations().map((c) => [c.id, c.binding.level]),
        [
          ["old", "verified"],
          ["new", "claimed"],
        ],
      );
      assert.equal(store.conversation("nope"), undefined);
    } finally {
      store.close();
    }
  });

  it("keeps the call history: ids, media, start/end/reason, correlation", () => {
    const path = freshPath();
    let store = DuetStore.open(path);
    const conv = conversation("conv-c");
    store.saveCall(conv, call("call-1"));
    store.saveCall(
      conv,
      call("call-1", { state: "active", media: ["audio", "video"], answeredAt: 3500 }),
    );
    store.saveCall(
      conv,
      call("call-1", {
        state: "ended",
        media: ["audio", "video"],
        answeredAt: 3500,
        endedAt: 9000,
        endReason: "hangup",
      }),
    );
    store.saveCall(
      conv,
      call("call-2", {
        direction: "outgoing",
        startedAt: 10_000,
        correlation: { level: "claimed", reason: "session-id" },
      }),
    );
    store.close();
    store = DuetStore.open(path);
    try {
      assert.deepEqual(store.calls("conv-c"), [
        {
          id: "call-1",
          conversation: "conv-c",
          direction: "incoming",
          state: "ended",
          endReason: "hangup",
          media: ["audio", "video"],
          peerSip: "sip:robert@voip.example.test",
          localSession: "a".repeat(32),
          remoteSession: "b".repeat(32),
          correlation: { level: "verified", reason: "echo" },
          startedAt: 3000,
          answeredAt: 3500,
          endedAt: 9000,
        },
        {
          id: "call-2",
          conversation: "conv-c",
          direction: "outgoing",
          state: "ringing",
          media: ["audio"],
          peerSip: "sip:robert@voip.example.test",
          localSession: "a".repeat(32),
          remoteSession: "b".repeat(32),
          correlation: { level: "claimed", reason: "session-id" },
          startedAt: 10_000,
        },
      ]);
    } finally {
      store.close();
    }
  });

  it("stores the policy, validated", () => {
    const path = freshPath();
    let store = DuetStore.open(path);
    store.setPolicy({
      discovery: { allow: ["roster", "domain:Voip.Example.Test"] },
      expiry: {
        threadIdleMs: 60_000,
        dialogGraceMs: 1000,
        identityWindowMs: 30_000,
        announcementMs: 300_000,
      },
    });
    assert.throws(
      () => store.setPolicy({ discovery: { allow: ["everyone"] } } as never),
      /unknown discovery rule "everyone"/,
    );
    store.close();
    store = DuetStore.open(path);
    try {
      assert.deepEqual(store.policy()?.discovery.allow, ["roster", "domain:voip.example.test"]);
      assert.equal(store.policy()?.expiry.threadIdleMs, 60_000);
    } finally {
      store.close();
    }
  });

  it("refuses records it cannot hold, and everything after close, with typed errors", () => {
    const store = DuetStore.open(freshPath());
    const conv = conversation("conv-x");
    assert.throws(
      () => store.recordIncoming(conv, message("o", "out", "wrong way")),
      (e: unknown) => e instanceof StoreError && e.code === "invalid-record",
    );
    assert.throws(
      () => store.recordOutgoing(conv, message("i", "in", "wrong way")),
      (e: unknown) => e instanceof StoreError && e.code === "invalid-record",
    );
    assert.deepEqual(store.messages("conv-x"), []);
    store.close();
    store.close(); // closing twice is harmless
    assert.throws(
      () => store.conversations(),
      (e: unknown) =>
        e instanceof StoreError && e.code === "closed" && e.message.includes(store.path),
    );
  });
});

describe("the XMPP archive mark", () => {
  it("is unset in a new store, then kept across close and reopen, the newest winning", () => {
    const path = freshPath();
    const store = DuetStore.open(path, { clock: new FakeClock() });
    assert.equal(store.archiveMark(), undefined);
    store.setArchiveMark("stanza-1");
    store.setArchiveMark("stanza-2");
    store.close();
    const again = DuetStore.open(path);
    assert.equal(again.archiveMark(), "stanza-2");
    again.close();
  });
});
