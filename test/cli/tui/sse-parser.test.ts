// The text/event-stream parser (WHATWG HTML §9.2.6) on chunks split anywhere.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SseParser } from "../../../src/cli/tui/sse-parser.js";

describe("SSE parser", () => {
  it("reads ids, multi-line data, comments and retry in one go", () => {
    const p = new SseParser();
    const r = p.feed(
      'retry: 2000\n: duet events\n\nid: r-1\ndata: {"a":1}\n\nevent: x\ndata: one\ndata:two\n\n',
    );
    assert.equal(r.retryMs, 2000);
    assert.equal(r.comments, 1);
    assert.deepEqual(r.messages, [
      { id: "r-1", event: "message", data: '{"a":1}' },
      { id: "r-1", event: "x", data: "one\ntwo" },
    ]);
    assert.equal(p.lastEventId, "r-1");
  });

  it("gives the same events however the stream is cut, CRLF included", () => {
    const text = "id: 7\r\ndata: hello\r\n\r\ndata: world\rid: 8\r\r";
    const whole = new SseParser().feed(text).messages;
    assert.deepEqual(whole, [
      { id: "7", event: "message", data: "hello" },
      { id: "8", event: "message", data: "world" },
    ]);
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SseParser();
      const got = [...p.feed(text.slice(0, cut)).messages, ...p.feed(text.slice(cut)).messages];
      assert.deepEqual(got, whole, `cut at ${cut}`);
    }
  });

  it("ignores unknown fields, a bad retry and a blank line without data", () => {
    const r = new SseParser().feed("foo: bar\nretry: soon\n\n\ndata\n\n");
    assert.equal(r.retryMs, undefined);
    assert.deepEqual(r.messages, [{ event: "message", data: "" }]);
  });
});
