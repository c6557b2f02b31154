// Server transactions under a fake clock: Timers G, H, I (RFC 3261 §17.2.1), J (§17.2.2), the
// Accepted state (RFC 6026 §7.1) and the UAS core's 2xx retransmission until ACK (§13.3.1.4).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeClock } from "../../../src/common/clock.js";
import { responseTo, type SipRequest } from "../../../src/sip/message/index.js";
import {
  DEFAULT_TIMERS,
  Invite2xxRetransmitter,
  InviteServerTransaction,
  NonInviteServerTransaction,
  serverKey,
} from "../../../src/sip/transaction/index.js";
import { INVITE, OPTIONS, parse, RecordingSink } from "./fake-sink.js";

const invite = () => parse(INVITE) as SipRequest;
const ackFor = (req: SipRequest) => {
  const text = INVITE.replace("INVITE sip:bob@example.com", "ACK sip:bob@example.com")
    .replace("CSeq: 1 INVITE", "CSeq: 1 ACK")
    .replace("To: <sip:bob@example.com>", `To: <sip:bob@example.com>;tag=b1`);
  const ack = parse(text) as SipRequest;
  assert.equal(serverKey(ack), serverKey(req));
  return ack;
};
const statuses = (sink: RecordingSink) =>
  sink.sent.map((s) => (s.message.kind === "response" ? s.message.status : 0));

describe("INVITE server transaction (RFC 3261 §17.2.1)", () => {
  it("sends 100 Trying after 200 ms when the TU is silent, and repeats it on a retransmitted INVITE", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const tx = new InviteServerTransaction(invite(), sink, clock, DEFAULT_TIMERS);
    clock.advance(199);
    assert.equal(sink.sent.length, 0);
    clock.advance(1);
    assert.deepEqual(statuses(sink), [100]);
    tx.receive(invite());
    assert.deepEqual(statuses(sink), [100, 100]);
  });

  it("retransmits a 486 over UDP with Timer G (T1 doubling to T2) until Timer H at 64·T1", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const req = invite();
    const tx = new InviteServerTransaction(req, sink, clock, DEFAULT_TIMERS);
    let failure = "";
    tx.events = { onFailure: (r) => (failure = r) };
    tx.respond(responseTo(req, 486, undefined, "b1"));
    clock.advance(40_000);
    assert.deepEqual(
      sink.times(),
      [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
    );
    assert.equal(failure, "no-ack");
    assert.equal(tx.state, "terminated");
  });

  it("stops on ACK (Confirmed) and ends after Timer I = T4; over TCP at once, without retransmitting", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const req = invite();
    const tx = new InviteServerTransaction(req, sink, clock, DEFAULT_TIMERS);
    tx.respond(responseTo(req, 486, undefined, "b1"));
    clock.advance(600);
    tx.receive(ackFor(req));
    assert.equal(tx.state, "confirmed");
    clock.advance(4_999);
    assert.equal(tx.state, "confirmed");
    clock.advance(1);
    assert.equal(tx.state, "terminated");
    assert.deepEqual(sink.times(), [0, 500]);

    const tcpClock = new FakeClock();
    const tcp = new RecordingSink(true, tcpClock);
    const tx2 = new InviteServerTransaction(req, tcp, tcpClock, DEFAULT_TIMERS);
    tx2.respond(responseTo(req, 486, undefined, "b1"));
    tcpClock.advance(10_000);
    assert.deepEqual(tcp.times(), [0]);
    tx2.receive(ackFor(req));
    tcpClock.advance(0);
    assert.equal(tx2.state, "terminated");
  });

  it("enters Accepted on 2xx, absorbs retransmitted INVITEs, ends after Timer L (RFC 6026)", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const req = invite();
    const tx = new InviteServerTransaction(req, sink, clock, DEFAULT_TIMERS);
    tx.respond(responseTo(req, 200, undefined, "b1"));
    assert.equal(tx.state, "accepted");
    tx.receive(invite());
    assert.deepEqual(statuses(sink), [200]);
    clock.advance(32_000);
    assert.equal(tx.state, "terminated");
  });

  it("the UAS core retransmits its 2xx at T1 doubling to T2 until the ACK (§13.3.1.4)", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const ok = responseTo(invite(), 200, undefined, "b1");
    let dead = 0;
    const r = new Invite2xxRetransmitter(ok, sink, clock, DEFAULT_TIMERS, () => dead++);
    clock.advance(12_000);
    assert.deepEqual(sink.times(), [500, 1500, 3500, 7500, 11500]);
    r.stop();
    clock.advance(60_000);
    assert.equal(sink.sent.length, 5);
    assert.equal(dead, 0);

    const clock2 = new FakeClock();
    const sink2 = new RecordingSink(false, clock2);
    new Invite2xxRetransmitter(ok, sink2, clock2, DEFAULT_TIMERS, () => dead++);
    clock2.advance(40_000);
    assert.equal(dead, 1);
    assert.equal(sink2.times().at(-1), 31500);
  });
});

describe("non-INVITE server transaction (RFC 3261 §17.2.2)", () => {
  it("answers retransmissions with the last response and ends after Timer J = 64·T1 over UDP", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const req = parse(OPTIONS) as SipRequest;
    const tx = new NonInviteServerTransaction(req, sink, clock, DEFAULT_TIMERS);
    tx.receive(req);
    assert.equal(sink.sent.length, 0);
    tx.respond(responseTo(req, 200, undefined, "b1"));
    tx.receive(req);
    assert.deepEqual(statuses(sink), [200, 200]);
    clock.advance(31_999);
    assert.equal(tx.state, "completed");
    clock.advance(1);
    assert.equal(tx.state, "terminated");
  });

  it("ends at once over TCP (Timer J = 0)", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(true, clock);
    const req = parse(OPTIONS) as SipRequest;
    const tx = new NonInviteServerTransaction(req, sink, clock, DEFAULT_TIMERS);
    tx.respond(responseTo(req, 200, undefined, "b1"));
    clock.advance(0);
    assert.equal(tx.state, "terminated");
  });
});
