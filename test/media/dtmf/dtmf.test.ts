import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DtmfReceiver } from "../../../src/media/dtmf/dtmf-receiver.js";
import { DtmfSender } from "../../../src/media/dtmf/dtmf-sender.js";
import {
  decodeTelephoneEvent,
  encodeTelephoneEvent,
} from "../../../src/media/dtmf/telephone-event.js";
import { InvalidArgumentError } from "../../../src/media/errors.js";

describe("RFC 4733 telephone events", () => {
  it("encodes the payload fields (§2.3)", () => {
    const b = encodeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 });
    assert.deepEqual([...b], [11, 0x8a, 0x03, 0x20]);
    assert.deepEqual(decodeTelephoneEvent(b), { event: 11, end: true, volume: 10, duration: 800 });
    assert.equal(decodeTelephoneEvent(Buffer.from([1, 2])), undefined);
  });

  it("sends one event as growing packets, marker first, end three times, then a pause", () => {
    const s = new DtmfSender(8000, 40);
    s.enqueue("5", 60);
    const frames = [];
    for (let i = 0; i < 8; i++) frames.push(s.nextFrame(20));
    const sent = frames
      .filter((f) => f !== undefined)
      .map((f) => ({ ...decodeTelephoneEvent(f.payload)!, marker: f.marker }));
    assert.deepEqual(
      sent.map((e) => [e.event, e.duration, e.end, e.marker]),
      [
        [5, 160, false, true],
        [5, 320, false, false],
        [5, 480, true, false],
        [5, 480, true, false],
        [5, 480, true, false],
      ],
    );
    assert.equal(frames[5], undefined); // the inter-digit pause
    assert.equal(s.busy, false);
  });

  it("rejects what is not a digit before queuing anything", () => {
    const s = new DtmfSender(8000);
    assert.throws(() => s.enqueue("12x"), InvalidArgumentError);
    assert.equal(s.busy, false);
    assert.throws(() => s.enqueue("1", 10), /outside 40-5000 ms/);
  });

  it("reports each event once, in order, whatever the repeats", () => {
    const digits: string[] = [];
    const r = new DtmfReceiver((d) => digits.push(d), 8000);
    const pkt = (event: number, end: boolean, duration: number) =>
      encodeTelephoneEvent({ event, end, volume: 10, duration });
    r.receive(1000, pkt(1, false, 160));
    r.receive(1000, pkt(1, true, 800));
    r.receive(1000, pkt(1, true, 800));
    r.receive(3000, pkt(10, true, 800)); // start packets lost: the end still reports it
    r.receive(5000, pkt(1, false, 160)); // the same digit again is a new event
    r.receive(7000, pkt(200, false, 160)); // not DTMF: ignored
    assert.deepEqual(digits, ["1", "*", "1"]);
  });
});
