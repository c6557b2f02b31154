// Both routes require the bearer token (issue 6); anything else is a 401 with a JSON body
// saying what to send; the server listens on loopback by default; unknown routes and methods
// get JSON errors too.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiListenError, ApiServer } from "../../../src/endpoint/api/index.js";
import { type Running, startServer } from "./server-fixture.js";
import { EventClient, post, TOKEN } from "./support.js";

describe("API authentication and routes", { timeout: 20_000 }, () => {
  let r: Running;
  before(async () => {
    r = await startServer();
  });
  after(() => r.server.close());

  it("listens on 127.0.0.1 with a port picked by the system", () => {
    assert.equal(r.address.host, "127.0.0.1");
    assert.ok(r.address.port > 0);
    assert.equal(r.address.url, `http://127.0.0.1:${r.address.port}`);
  });

  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "status" });

  for (const [what, header] of [
    ["no Authorization header", undefined],
    ["a wrong token", "Bearer wrong-token"],
    ["the token with one character more", `Bearer ${TOKEN}x`],
    ["the right token under another scheme", `Basic ${TOKEN}`],
    ["an empty bearer", "Bearer "],
  ] as const) {
    it(`POST /rpc with ${what} is refused with 401 and a JSON error`, async () => {
      const res = await fetch(`${r.address.url}/rpc`, {
        method: "POST",
        headers: header !== undefined ? { Authorization: header } : {},
        body,
      });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="duet"');
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      const json = (await res.json()) as { error: { code: string; message: string; hint: string } };
      assert.equal(json.error.code, "unauthorized");
      assert.match(json.error.hint, /Authorization: Bearer/);
      assert.equal(r.endpoint.calls.length, 0, "the endpoint was never called");
    });

    it(`GET /events with ${what} is refused with 401 and no stream`, async () => {
      const res = await fetch(`${r.address.url}/events`, {
        headers: header !== undefined ? { Authorization: header } : {},
      });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, "unauthorized");
      assert.equal(r.server.streamCount, 0);
    });
  }

  it("accepts the token with the scheme in any case", async () => {
    const res = await fetch(`${r.address.url}/rpc`, {
      method: "POST",
      headers: { Authorization: `bEaReR ${TOKEN}` },
      body,
    });
    assert.equal(res.status, 200);
    const json = (await res.json()) as { result: { xmpp: { jid: string } } };
    assert.equal(json.result.xmpp.jid, "alice@chat.example.test/duet");
  });

  it("opens the event stream with the token", async () => {
    const client = new EventClient(r.address);
    await client.ready;
    assert.equal(client.status, 200);
    assert.match(client.contentType, /^text\/event-stream/);
    await client.close();
  });

  it("answers unknown routes with 404 and wrong methods with 405, both in JSON", async () => {
    const missing = await post(r.address, body, TOKEN, "/nope");
    assert.equal(missing.status, 404);
    assert.match((missing.json as { error: { message: string } }).error.message, /no route \/nope/);
    const wrong = await fetch(`${r.address.url}/rpc`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST");
    const wrongEvents = await post(r.address, body, TOKEN, "/events");
    assert.equal(wrongEvents.status, 405);
    assert.equal(wrongEvents.headers.get("allow"), "GET");
  });

  it("says which address is taken when it cannot listen", async () => {
    const second = new ApiServer({ api: r.endpoint, token: TOKEN, port: r.address.port });
    await assert.rejects(
      second.listen(),
      (e: unknown) =>
        e instanceof ApiListenError &&
        e.code === "EADDRINUSE" &&
        e.message.includes(`127.0.0.1:${r.address.port}`) &&
        /port 0/.test(e.hint),
    );
    await second.close();
  });

  it("takes a JSON body that starts with a byte order mark", async () => {
    const reply = await post(r.address, `\ufeff${body}`);
    assert.equal(reply.status, 200);
    assert.equal((reply.json as { id: number }).id, 1);
  });

  it("refuses a body over the limit with 413", async () => {
    const small = await startServer({ maxBodyBytes: 1000 });
    try {
      const reply = await post(
        small.address,
        JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "status",
          params: { x: "y".repeat(2000) },
        }),
      );
      assert.equal(reply.status, 413);
      assert.match(
        (reply.json as { error: { message: string } }).error.message,
        /exceeds 1000 bytes/,
      );
    } finally {
      await small.server.close();
    }
  });
});
