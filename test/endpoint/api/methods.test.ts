// Every method's parameter reader: what a good request becomes (defaults filled, values
// normalised) and that each method refuses a parameter it does not have.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  METHOD_NAMES,
  METHOD_READERS,
  type MethodName,
  ParamError,
} from "../../../src/endpoint/api/index.js";

const GOOD: { readonly [M in MethodName]: readonly [unknown, unknown] } = {
  status: [undefined, {}],
  "contacts.list": [{}, {}],
  "contacts.add": [
    { jid: "bob@chat.example.test", name: "Bob" },
    { jid: "bob@chat.example.test", name: "Bob" },
  ],
  "contacts.approve": [
    { jid: "bob@chat.example.test" },
    { jid: "bob@chat.example.test", approve: true },
  ],
  "presence.set": [{ status: "" }, { show: "available", status: "" }],
  "conversations.list": [undefined, {}],
  "conversations.get": [{ conversation: "conv-1" }, { conversation: "conv-1" }],
  "conversations.start": [
    { peer: "xmpp:bob@chat.example.test/phone", text: "hi", media: ["video", "audio"] },
    {
      peer: { protocol: "xmpp", jid: "bob@chat.example.test/phone" },
      text: "hi",
      media: ["video", "audio"],
      force: false,
    },
  ],
  "messages.send": [
    { conversation: "c", text: "t", force: true },
    { conversation: "c", text: "t", force: true },
  ],
  "calls.start": [
    { conversation: "c", media: ["audio"] },
    { conversation: "c", media: ["audio"] },
  ],
  "calls.answer": [{ call: "k" }, { call: "k" }],
  "calls.reject": [{ call: "k" }, { call: "k", reason: "decline" }],
  "calls.hangup": [{ call: "k" }, { call: "k" }],
  "calls.update": [
    { call: "k", media: ["audio", "video"] },
    { call: "k", media: ["audio", "video"] },
  ],
  "calls.dtmf": [
    { call: "k", digits: "*12#d" },
    { call: "k", digits: "*12#D", durationMs: 100 },
  ],
  discover: [{ sip: "sips:robert@voip.example.test" }, { sip: "sips:robert@voip.example.test" }],
  "policy.get": [{}, {}],
  "policy.set": [{ expiry: { threadIdleMs: 1000 } }, { expiry: { threadIdleMs: 1000 } }],
};

describe("method parameter readers", () => {
  for (const method of METHOD_NAMES) {
    it(`${method}: reads a good request and refuses an unknown parameter`, () => {
      const [input, expected] = GOOD[method];
      assert.deepEqual(METHOD_READERS[method](input), expected);
      const withExtra = { ...(input ?? {}), bogus: 1 };
      assert.throws(
        () => METHOD_READERS[method](withExtra),
        (e: unknown) => e instanceof ParamError && e.param === "bogus",
      );
    });
  }

  it("a sip: peer keeps its URI as given", () => {
    assert.deepEqual(
      METHOD_READERS["conversations.start"]({ peer: "sip:robert@voip.example.test;transport=tcp" }),
      {
        peer: { protocol: "sip", uri: "sip:robert@voip.example.test;transport=tcp" },
        force: false,
      },
    );
  });

  it("strings are bounded and checked for emptiness", () => {
    assert.throws(
      () => METHOD_READERS["messages.send"]({ conversation: "c", text: "" }),
      /"text" must not be empty/,
    );
    assert.throws(
      () => METHOD_READERS["messages.send"]({ conversation: "c", text: "x".repeat(65_537) }),
      /"text" must have at most 65536 characters, got 65537/,
    );
    assert.throws(
      () => METHOD_READERS["calls.answer"]({ call: "k", media: ["audio", "audio"] }),
      /"media\[1\]" repeats "audio"/,
    );
  });
});
