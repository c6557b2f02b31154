// Client transactions under a fake clock: the exact retransmission schedules of RFC 3261
// §17.1.1.2 (Timer A, B, D) and §17.1.2.2 (Timer E, F, K), and RFC 6026's Accepted state.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeClock } from "../../../src/common/clock.js";
import type { SipRequest, SipResponse } from "../../../src/sip/message/index.js";
import {
  DEFAULT_TIMERS,
  InviteClientTransaction,
  NonInviteClientTransaction,
} from "../../../src/sip/transaction/index.js";
import { INVITE, OPTIONS, parse, RecordingSink, response } from "./fake-sink.js";

function user() {
  const got = { responses: [] as number[], timeouts: 0, terminated: 0 };
  return {
    got,
    tu: {
      onResponse: (r: SipResponse) => got.responses.push(r.status),
      onTimeout: () => got.timeouts++,
      onTerminated: () => got.terminated++,
    },
  };
}

const isInvite = (m: { kind: string; method?: string }) =>
  m.kind === "request" && m.method === "INVITE";

describe("INVITE client transaction (RFC 3261 §17.1.1)", () => {
  it("retransmits over UDP at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s and times out at 64·T1 (Timer A, B)", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const { got, tu } = user();
    const tx = new InviteClientTransaction(
      parse(INVITE) as SipRequest,
      sink,
      clock,
      DEFAULT_TIMERS,
      tu,
    );
    clock.advance(40_000);
    // Intervals 0.5, 1, 2, 4, 8, 16 s: Timer A doubles without the T2 cap for INVITE.
    assert.deepEqual(sink.times(isInvite), [0, 500, 1500, 3500, 7500, 15500, 31500]);
    assert.equal(got.timeouts, 1);
    assert.equal(tx.state, "terminated");
    assert.equal(clock.pending(), 0);
  });

  it("sends once over TCP and still times out with Timer B", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(true, clock);
    const { got, tu } = user();
    new InviteClientTransaction(parse(INVITE) as SipRequest, sink, clock, DEFAULT_TIMERS, tu);
    clock.advance(31_999);
    assert.equal(got.timeouts, 0);
    clock.advance(1);
    assert.deepEqual(sink.times(), [0]);
    assert.equal(got.timeouts, 1);
  });

  it("stops retransmitting on 1xx, and a 486 is ACKed, re-ACKed on retransmission, ends after Timer D", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const { got, tu } = user();
    const tx = new InviteClientTransaction(
      parse(INVITE) as SipRequest,
      sink,
      clock,
      DEFAULT_TIMERS,
      tu,
    );
    clock.advance(600);
    tx.receive(response(INVITE, 180) as SipResponse);
    clock.advance(10_000);
    assert.deepEqual(sink.times(isInvite), [0, 500]);
    assert.equal(tx.state, "proceeding");
    tx.receive(response(INVITE, 486) as SipResponse);
    tx.receive(response(INVITE, 486) as SipResponse);
    const acks = sink.sent.filter(
      (s) => s.message.kind === "request" && s.message.method === "ACK",
    );
    assert.equal(acks.length, 2);
    const ack = acks[0]?.message as SipRequest;
    assert.equal(ack.get("CSeq"), "1 ACK");
    assert.equal(ack.get("Via"), parse(INVITE).get("Via"));
    assert.match(ack.get("To") ?? "", /tag=b1/);
    assert.deepEqual(got.responses, [180, 486]);
    assert.equal(tx.state, "completed");
    clock.advance(31_999);
    assert.equal(tx.state, "completed");
    clock.advance(1);
    assert.equal(tx.state, "terminated");
    assert.equal(got.terminated, 1);
  });

  it("passes 2xx and its retransmissions to the TU in Accepted, for 64·T1 (RFC 6026 Timer M)", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const { got, tu } = user();
    const tx = new InviteClientTransaction(
      parse(INVITE) as SipRequest,
      sink,
      clock,
      DEFAULT_TIMERS,
      tu,
    );
    tx.receive(response(INVITE, 200) as SipResponse);
    assert.equal(tx.state, "accepted");
    tx.receive(response(INVITE, 200) as SipResponse);
    assert.deepEqual(got.responses, [200, 200]);
    // No ACK from the transaction for a 2xx: that is the TU's (§13.2.2.4).
    assert.equal(sink.sent.length, 1);
    clock.advance(32_000);
    assert.equal(tx.state, "terminated");
  });
});

describe("non-INVITE client transaction (RFC 3261 §17.1.2)", () => {
  it("retransmits over UDP at T1 doubling and capped at T2, then Timer F at 64·T1", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const { got, tu } = user();
    new NonInviteClientTransaction(parse(OPTIONS) as SipRequest, sink, clock, DEFAULT_TIMERS, tu);
    clock.advance(40_000);
    // 0.5, 1, 2, 4, 4, 4 … s intervals until 32 s.
    assert.deepEqual(
      sink.times(),
      [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
    );
    assert.equal(got.timeouts, 1);
  });

  it("retransmits at T2 in Proceeding, and Timer K (T4) absorbs the final's retransmissions", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const { got, tu } = user();
    const tx = new NonInviteClientTransaction(
      parse(OPTIONS) as SipRequest,
      sink,
      clock,
      DEFAULT_TIMERS,
      tu,
    );
    clock.advance(100);
    tx.receive(response(OPTIONS, 100) as SipResponse);
    clock.advance(10_000);
    // The 100 came at 0.1 s: Timer E, armed with T1, fires at 0.5 s, then is re-armed with T2.
    assert.deepEqual(sink.times(), [0, 500, 4500, 8500]);
    tx.receive(response(OPTIONS, 200) as SipResponse);
    tx.receive(response(OPTIONS, 200) as SipResponse);
    assert.deepEqual(got.responses, [100, 200]);
    assert.equal(tx.state, "completed");
    clock.advance(4_999);
    assert.equal(tx.state, "completed");
    clock.advance(1);
    assert.equal(tx.state, "terminated");
  });

  it("sends once over TCP and terminates at once after the final answer (Timer K = 0)", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(true, clock);
    const { got, tu } = user();
    const tx = new NonInviteClientTransaction(
      parse(OPTIONS) as SipRequest,
      sink,
      clock,
      DEFAULT_TIMERS,
      tu,
    );
    clock.advance(20_000);
    assert.deepEqual(sink.times(), [0]);
    tx.receive(response(OPTIONS, 200) as SipResponse);
    clock.advance(0);
    assert.equal(tx.state, "terminated");
    assert.deepEqual(got.responses, [200]);
  });

  it("honours a configured T1 and T2", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink(false, clock);
    const { tu } = user();
    new NonInviteClientTransaction(
      parse(OPTIONS) as SipRequest,
      sink,
      clock,
      { t1: 100, t2: 300, t4: 1000 },
      tu,
    );
    clock.advance(7_000);
    assert.deepEqual(sink.times().slice(0, 6), [0, 100, 300, 600, 900, 1200]);
    assert.equal(sink.times().at(-1), 6300);
  });
});
