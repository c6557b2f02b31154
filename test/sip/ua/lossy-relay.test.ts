// Calls and registrations across a UDP relay that drops 20% of datagrams in both directions,
// through the real Kamailio: they complete by retransmission alone (RFC 3261 §17 timers, §13.3.1.4
// 2xx retransmission, ACK on each retransmitted 2xx).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sipUri } from "../../../src/sip/message/index.js";
import { OutgoingCall, Registration } from "../../../src/sip/ua/index.js";
import { useSandbox } from "../../helpers/sandbox.js";
import { type LossyRelay, startLossyRelay } from "../support/lossy-relay.js";
import { startUa, type TestUa } from "../support/ua-factory.js";

// Short timers keep the test quick; the schedule is the RFC's, scaled (T1 is configurable, §17.1.1.1).
const TIMERS = { t1: 100, t2: 400, t4: 500 };

describe("across a UDP relay dropping 20% of datagrams both ways", () => {
  const sandbox = useSandbox();
  let relay: LossyRelay;
  let alice: TestUa;
  let bob: TestUa;
  let regs: Registration[] = [];
  before(async () => {
    const info = sandbox();
    relay = await startLossyRelay({ host: info.sip.host, port: info.sip.udpPort as number }, 0.2);
    const acct = (w: "alice" | "bob") => info.accounts[w];
    // alice sits behind the lossy relay: she sends to it, and registers its far side as her contact.
    alice = await startUa({
      aor: acct("alice").aor,
      credentials: { username: acct("alice").sipUser, password: acct("alice").password },
      outboundProxy: `sip:127.0.0.1:${relay.uaSide};lr`,
      timers: TIMERS,
    });
    alice.ua.contactOverride = sipUri("127.0.0.1", { user: "alice", port: relay.proxySide });
    bob = await startUa({
      aor: acct("bob").aor,
      credentials: { username: acct("bob").sipUser, password: acct("bob").password },
      outboundProxy: `sip:${info.sip.host}:${info.sip.udpPort};lr`,
      timers: TIMERS,
    });
    regs = [
      new Registration(alice.ua, { expires: 300 }),
      new Registration(bob.ua, { expires: 300 }),
    ];
  });
  after(async () => {
    for (const r of regs) r.stop();
    await alice?.stop();
    await bob?.stop();
    await relay?.close();
  });

  it("registers through the loss", async () => {
    for (let i = 0; i < 5; i++) {
      const s = await regs[0]!.register();
      assert.ok(s.expires > 0);
    }
    await regs[1]!.register();
  });

  it("completes calls both ways (INVITE, 200, ACK, BYE) through the loss", async () => {
    for (let i = 0; i < 4; i++) {
      const [caller, callee, target] =
        i % 2 === 0
          ? [alice, bob, sandbox().accounts.bob.aor]
          : [bob, alice, sandbox().accounts.alice.aor];
      const incoming = callee.nextCall();
      const call = await OutgoingCall.start(caller.ua, target);
      const inbound = await incoming;
      inbound.ring();
      await inbound.accept();
      await call.accepted;
      await inbound.accepted;
      await call.bye();
      assert.deepEqual(await inbound.ended, { reason: "remote-bye" });
    }
    // The relay really did drop traffic.
    assert.ok(
      relay.stats.dropped > 5,
      `dropped ${relay.stats.dropped} of ${relay.stats.forwarded + relay.stats.dropped}`,
    );
  });
});
