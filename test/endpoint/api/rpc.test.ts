// JSON-RPC 2.0 over POST /rpc: every error class with a message saying what is wrong, batches,
// notifications, and the methods reaching a (test) EndpointApi backed by a real CoexEngine.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { API_ERROR_CODES, METHOD_NAMES } from "../../../src/endpoint/api/index.js";
import { type Running, startServer } from "./server-fixture.js";
import { call, callOk, post } from "./support.js";

describe("JSON-RPC over POST /rpc", { timeout: 20_000 }, () => {
  let r: Running;
  before(async () => {
    r = await startServer();
  });
  after(() => r.server.close());

  it("-32700 for a body that is not JSON", async () => {
    const reply = await post(r.address, '{"jsonrpc": "2.0", "method": "status", "id": 1');
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.json as object).sort(), ["error", "id", "jsonrpc"]);
    const { error, id } = reply.json as { error: { code: number; message: string }; id: unknown };
    assert.equal(error.code, -32700);
    assert.match(error.message, /not valid JSON/);
    assert.equal(id, null);
  });

  for (const [what, body, pattern, id] of [
    ["a bare number", "42", /must be a JSON object/, null],
    [
      "a wrong jsonrpc version",
      '{"jsonrpc":"1.0","method":"status","id":7}',
      /"jsonrpc" must be exactly "2.0"/,
      7,
    ],
    ["no method", '{"jsonrpc":"2.0","id":"a"}', /"method" must be a non-empty string/, "a"],
    [
      "params that are a string",
      '{"jsonrpc":"2.0","method":"status","params":"x","id":2}',
      /"params" must be an object or an array/,
      2,
    ],
    [
      "an id that is an object",
      '{"jsonrpc":"2.0","method":"status","id":{}}',
      /"id" must be a string, a number or null/,
      null,
    ],
    [
      "an unknown member",
      '{"jsonrpc":"2.0","method":"status","id":3,"param":{}}',
      /unknown member "param"/,
      3,
    ],
    ["an empty batch", "[]", /the batch is empty/, null],
  ] as const) {
    it(`-32600 for ${what}`, async () => {
      const reply = await post(r.address, body);
      const res = reply.json as { error: { code: number; message: string }; id: unknown };
      assert.equal(res.error.code, -32600);
      assert.match(res.error.message, pattern);
      assert.equal(res.id, id);
    });
  }

  it("-32600 for a batch over the limit", async () => {
    const small = await startServer({ maxBatch: 3 });
    try {
      const batch = [1, 2, 3, 4].map((id) => ({ jsonrpc: "2.0", id, method: "status" }));
      const reply = await post(small.address, JSON.stringify(batch));
      const res = reply.json as { error: { code: number; message: string } };
      assert.equal(res.error.code, -32600);
      assert.match(res.error.message, /at most 3 requests, this one has 4/);
    } finally {
      await small.server.close();
    }
  });

  it("-32601 names the unknown method and lists the known ones", async () => {
    const res = await call(r.address, "messages.sned", { conversation: "x", text: "y" });
    assert.equal(res.error?.code, -32601);
    assert.match(
      res.error!.message,
      /method not found: "messages.sned"; known methods: status, contacts.list/,
    );
    assert.deepEqual(res.error?.data?.known, METHOD_NAMES);
    assert.equal(METHOD_NAMES.length, 18);
  });

  for (const [what, method, params, param, pattern] of [
    [
      "positional params",
      "messages.send",
      ["conv", "hi"],
      "",
      /must be an object of named parameters, got an array/,
    ],
    ["a missing parameter", "messages.send", { conversation: "c" }, "text", /"text" is required/],
    [
      "a wrong type",
      "messages.send",
      { conversation: "c", text: 5 },
      "text",
      /"text" must be a string, got number 5/,
    ],
    [
      "an unknown parameter",
      "messages.send",
      { conversation: "c", text: "t", forse: true },
      "forse",
      /"forse" is not a parameter of this method \(known: conversation, text, force\)/,
    ],
    [
      "a non-boolean force",
      "messages.send",
      { conversation: "c", text: "t", force: "yes" },
      "force",
      /must be true or false, got "yes"/,
    ],
    [
      "a peer that is no URI",
      "conversations.start",
      { peer: "bob@example.com" },
      "peer",
      /must be an xmpp: or sip: URI/,
    ],
    [
      "an xmpp: URI without a user",
      "conversations.start",
      { peer: "xmpp:example.com" },
      "peer",
      /must name a user/,
    ],
    [
      "unknown media",
      "calls.start",
      { conversation: "c", media: ["audio", "text"] },
      "media[1]",
      /must be "audio" or "video", got "text"/,
    ],
    ["empty media", "calls.update", { call: "k", media: [] }, "media", /non-empty list/],
    [
      "bad DTMF digits",
      "calls.dtmf",
      { call: "k", digits: "12x" },
      "digits",
      /only 0-9, \*, # and A-D, got "12x"/,
    ],
    [
      "a DTMF duration out of range",
      "calls.dtmf",
      { call: "k", digits: "1", durationMs: 5 },
      "durationMs",
      /from 40 to 5000, got number 5/,
    ],
    [
      "a non-SIP discover target",
      "discover",
      { sip: "xmpp:bob@example.com" },
      "sip",
      /must be a sip: or sips: URI/,
    ],
    [
      "a JID with a resource",
      "contacts.add",
      { jid: "bob@example.com/phone" },
      "jid",
      /must be a bare JID/,
    ],
    [
      "an unknown show",
      "presence.set",
      { show: "busy" },
      "show",
      /one of available, away, chat, dnd, xa, got "busy"/,
    ],
    [
      "parameters for a method that takes none",
      "status",
      { verbose: true },
      "verbose",
      /it takes none/,
    ],
    [
      "a bad discovery rule",
      "policy.set",
      { discovery: { allow: ["everyone"] } },
      "discovery",
      /unknown discovery rule "everyone"/,
    ],
    [
      "a negative expiry",
      "policy.set",
      { expiry: { threadIdleMs: -1 } },
      "expiry",
      /threadIdleMs must be a non-negative number/,
    ],
    ["an empty policy", "policy.set", {}, "", /give discovery, expiry or both/],
  ] as const) {
    it(`-32602 for ${what}, naming the parameter`, async () => {
      const res = await call(r.address, method, params);
      assert.equal(res.error?.code, -32602, JSON.stringify(res));
      assert.match(
        res.error!.message,
        new RegExp(`^invalid params for ${method.replace(".", "\\.")}: `),
      );
      assert.match(res.error!.message, pattern);
      assert.equal(res.error?.data?.param, param);
    });
  }

  it("application errors carry their code, kind and hint", async () => {
    const unknown = await call(r.address, "conversations.get", { conversation: "conv-nope" });
    assert.equal(unknown.error?.code, API_ERROR_CODES["unknown-conversation"]);
    assert.match(unknown.error!.message, /no conversation "conv-nope"/);
    assert.equal(unknown.error?.data?.error, "unknown-conversation");
    assert.ok((unknown.error?.data?.hint ?? "").length > 0);

    const contact = await call(r.address, "contacts.approve", { jid: "zed@chat.example.test" });
    assert.equal(contact.error?.code, -32003);
    assert.deepEqual(contact.error!.data, {
      error: "unknown-contact",
      hint: "approve a JID named by a contact.request event",
      jid: "zed@chat.example.test",
    });

    const noSip = await callOk(r.address, "conversations.start", {
      peer: "xmpp:bob@chat.example.test",
    });
    const calling = await call(r.address, "calls.start", {
      conversation: noSip.conversation,
      media: ["audio"],
    });
    assert.equal(calling.error?.code, API_ERROR_CODES["no-sip-address"]);
  });

  it("-32603 for what the endpoint did not expect, reported to the daemon too", async () => {
    r.endpoint.failNextStatus = true;
    const res = await call(r.address, "status");
    assert.equal(res.error?.code, -32603);
    assert.match(res.error!.message, /internal error: the test asked status to fail/);
    assert.equal(r.internalErrors.length, 1);
  });

  it("runs a batch, answering requests in order and notifications not at all", async () => {
    const before = r.endpoint.calls.length;
    const reply = await post(
      r.address,
      JSON.stringify([
        { jsonrpc: "2.0", id: "a", method: "policy.get" },
        { jsonrpc: "2.0", method: "status" }, // notification
        { jsonrpc: "2.0", id: "b", method: "no.such" },
        {
          jsonrpc: "2.0",
          id: "c",
          method: "presence.set",
          params: { show: "away", status: "lunch" },
        },
        17,
      ]),
    );
    assert.equal(reply.status, 200);
    const responses = reply.json as {
      id: unknown;
      result?: { discovery?: { allow: string[] } };
      error?: { code: number };
    }[];
    assert.deepEqual(
      responses.map((x) => [x.id, x.error?.code ?? "ok"]),
      [
        ["a", "ok"],
        ["b", -32601],
        ["c", "ok"],
        [null, -32600],
      ],
    );
    assert.deepEqual(responses[0]!.result?.discovery?.allow, ["roster"]);
    assert.deepEqual(responses[2]!.result, { show: "away", status: "lunch" });
    assert.equal(r.endpoint.calls.length, before + 1, "the notification was carried out");
  });

  it("answers a notification, or a batch of them, with 204 and no body, errors included", async () => {
    const one = await post(
      r.address,
      JSON.stringify({ jsonrpc: "2.0", method: "presence.set", params: { show: "dnd" } }),
    );
    assert.equal(one.status, 204);
    assert.equal(one.text, "");
    const status = await callOk(r.address, "status");
    assert.equal(status.presence.show, "dnd", "the notification took effect");
    const many = await post(
      r.address,
      JSON.stringify([
        { jsonrpc: "2.0", method: "no.such" },
        { jsonrpc: "2.0", method: "messages.send", params: {} },
      ]),
    );
    assert.equal(many.status, 204);
    assert.equal(many.text, "");
  });

  it("carries a conversation from start to a held message through the contract", async () => {
    const started = await callOk(r.address, "conversations.start", {
      peer: "xmpp:carol@chat.example.test",
      text: "hello carol",
    });
    const conv = started.conversation;
    assert.equal(started.message?.text, "hello carol");
    assert.equal(started.message?.state, "sent");
    const detail = await callOk(r.address, "conversations.get", { conversation: conv });
    assert.equal(detail.conversation, conv);
    assert.deepEqual(detail.peer, { jid: "carol@chat.example.test" });
    assert.equal(typeof detail.thread, "string");
    assert.deepEqual(detail.binding.level, "none");
    assert.deepEqual(
      detail.messages.map((m) => [m.direction, m.text]),
      [["out", "hello carol"]],
    );
    assert.deepEqual(detail.calls, []);
    const list = await callOk(r.address, "conversations.list");
    assert.ok(list.conversations.some((c) => c.conversation === conv));
    const sent = await callOk(r.address, "messages.send", { conversation: conv, text: "second" });
    assert.equal(sent.message.state, "sent");
    const dtmf = await call(r.address, "calls.dtmf", { call: "k", digits: "1a#" });
    assert.deepEqual(dtmf.result, {});
    assert.deepEqual(r.endpoint.dtmf, ["1A#"]);
    const discovered = await callOk(r.address, "discover", {
      sip: "sip:carol@voip.example.test;transport=tcp",
    });
    assert.deepEqual(discovered, {
      sip: "sip:carol@voip.example.test",
      jid: null,
      binding: { level: "none", reason: "no-correlation-data" },
    });
    const policy = await callOk(r.address, "policy.set", {
      discovery: { allow: ["roster", "domain:Example.COM"] },
    });
    assert.deepEqual(policy.discovery.allow, ["roster", "domain:example.com"]);
    assert.deepEqual(await callOk(r.address, "policy.get"), policy);
  });
});
