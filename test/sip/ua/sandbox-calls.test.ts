// Against the sandbox (real Kamailio: registrar with GRUU, record-routing proxy, digest auth):
// two of our UAs register and call each other over UDP, TCP and WebSocket — INVITE, 180, 200,
// ACK, re-INVITE both ways, BYE, and CANCEL before the answer — and the same through Kamailio's
// topology hiding (topoh), which masks Via, Contact, Record-Route and Call-ID like an SBC.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { SandboxInfo } from "../../../src/sandbox/index.js";
import type { SipResponse } from "../../../src/sip/message/index.js";
import type { TransportName } from "../../../src/sip/transport/index.js";
import { OutgoingCall, Registration } from "../../../src/sip/ua/index.js";
import { useSandbox } from "../../helpers/sandbox.js";
import { startUa, type TestUa } from "../support/ua-factory.js";

function proxyFor(info: SandboxInfo, transport: TransportName): string {
  const { sip } = info;
  if (transport === "WS" || transport === "WSS") {
    const port = new URL(sip.websocketUrl).port;
    return `${transport === "WSS" ? "sips" : "sip"}:${sip.host}:${port};transport=ws;lr`;
  }
  if (transport === "TLS") return `sips:${sip.host}:${sip.tlsPort};lr`;
  return `sip:${sip.host}:${sip.udpPort};transport=${transport.toLowerCase()};lr`;
}

/** In TLS mode our UA serves TLS with the sandbox's certificate and trusts its CA. */
function tlsListen(info: SandboxInfo) {
  if (!info.caFile) return {};
  const cert = readFileSync(info.caFile);
  const key = readFileSync(join(dirname(info.caFile), "sandbox.key"));
  return { tls: { port: 0, key, cert }, ca: cert };
}

async function pair(info: SandboxInfo, transport: TransportName) {
  const make = (who: "alice" | "bob") => {
    const acct = info.accounts[who];
    return startUa({
      aor: acct.aor,
      credentials: { username: acct.sipUser, password: acct.password },
      outboundProxy: proxyFor(info, transport),
      preferredTransport: transport,
      userAgent: "duet-test",
      listen: { keepAliveMs: 15_000, ...tlsListen(info) },
    });
  };
  const alice = await make("alice");
  const bob = await make("bob");
  const aliceReg = new Registration(alice.ua, { expires: 120 });
  const bobReg = new Registration(bob.ua, { expires: 120 });
  return { alice, bob, aliceReg, bobReg };
}

/** How long the caller may take to see a 180 the callee has sent (loopback, one proxy hop). */
const RINGING_WAIT_MS = 5_000;

/**
 * Resolves with the caller's call state when the first 180 reaches it; rejects when none comes
 * within RINGING_WAIT_MS. The callee answers only after that: Kamailio reads UDP with several
 * worker processes, so the callee's 180 and 200, sent back to back, may be handled in either
 * order, and a stateful proxy that has already forwarded the final response no longer forwards
 * a provisional one (RFC 3261 §16.7 step 5). Under load the caller then never sees the 180.
 * Every provisional response is also handed to `onEach`.
 */
function ringingSeen(
  call: OutgoingCall,
  onEach: (r: SipResponse) => void,
): Promise<OutgoingCall["state"]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the caller saw no 180 within ${RINGING_WAIT_MS} ms of the ring`)),
      RINGING_WAIT_MS,
    );
    call.onProgress = (r) => {
      onEach(r);
      if (r.status !== 180) return;
      clearTimeout(timer);
      resolve(call.state);
    };
  });
}

interface Scenario {
  /** The registrar gives GRUUs (the plain sandbox does). */
  readonly gruu: boolean;
  /** Callee-initiated in-dialog requests (its re-INVITE, its BYE). Kamailio's topoh decides a
   * request's direction by the ftag parameter of the Route, so the sandbox's record_route adds
   * it (rr append_fromtag 1); without it such requests got their Call-ID masked twice (481). */
  readonly calleeRequests: boolean;
}

function callScenarios(sandbox: () => SandboxInfo, transport: TransportName, sc: Scenario) {
  let alice: TestUa;
  let bob: TestUa;
  let regs: Registration[] = [];
  before(async () => {
    const p = await pair(sandbox(), transport);
    alice = p.alice;
    bob = p.bob;
    regs = [p.aliceReg, p.bobReg];
  });
  after(async () => {
    for (const r of regs) {
      try {
        await r.unregister();
      } catch {
        // the sandbox may already be gone
      }
    }
    await alice?.stop();
    await bob?.stop();
  });

  it("registers both UAs with digest auth (401, then 200)", async () => {
    const states = await Promise.all(regs.map((r) => r.register()));
    for (const s of states) {
      assert.ok(s.expires > 0 && s.expires <= 120, `granted ${s.expires}`);
      if (sc.gruu) assert.ok(s.publicGruu, "the registrar gave a public GRUU (RFC 5627)");
    }
  });

  it("alice calls bob: 407, INVITE, 180, 200, ACK, re-INVITE both ways, BYE", async () => {
    const incoming = bob.nextCall();
    const call = await OutgoingCall.start(alice.ua, sandbox().accounts.bob.aor);
    const progress: number[] = [];
    const ringing = ringingSeen(call, (r) => progress.push(r.status));
    const callee = await incoming;
    assert.equal(callee.request.from().uri.scheme, "sip");
    callee.ring();
    // The 200 only once the caller saw the 180, in its early state: see ringingSeen.
    assert.equal(await ringing, "early");
    await callee.accept();
    await call.accepted;
    await callee.accepted;
    assert.ok(progress.includes(180), `provisional: ${progress}`);
    assert.equal(call.remoteSessionId, callee.localSessionId);
    assert.equal((await call.reinvite()).status, 200);
    if (sc.calleeRequests) assert.equal((await callee.reinvite()).status, 200);
    await call.bye();
    assert.deepEqual(await callee.ended, { reason: "remote-bye" });
    // Both sides exchanged offers and answers through the hook.
    assert.ok(alice.sdp.offers >= 2 && bob.sdp.answers >= 1);
  });

  it("bob calls alice, and the callee hangs up", async () => {
    const incoming = alice.nextCall();
    const call = await OutgoingCall.start(bob.ua, sandbox().accounts.alice.aor);
    const callee = await incoming;
    await callee.accept();
    await call.accepted;
    if (sc.calleeRequests) {
      await callee.bye();
      assert.deepEqual(await call.ended, { reason: "remote-bye" });
    } else {
      await call.bye();
      assert.deepEqual(await callee.ended, { reason: "remote-bye" });
    }
  });

  it("alice sends bob a MESSAGE (RFC 3428), challenged and relayed", async () => {
    const got = new Promise<string>((resolve) => {
      const previous = bob.ua.onRequest;
      bob.ua.onRequest = (ctx) => {
        if (ctx.request.method !== "MESSAGE") return previous?.(ctx);
        ctx.reply(200);
        bob.ua.onRequest = previous;
        resolve(`${ctx.request.contentType()}|${ctx.request.bodyText()}`);
      };
    });
    const res = await alice.ua.sendMessage(sandbox().accounts.bob.aor, "héllo ☎");
    assert.equal(res.status, 200);
    assert.equal(await got, "text/plain|héllo ☎");
  });

  it("CANCEL before the answer: 487 to the caller, the callee sees the cancel", async () => {
    const incoming = bob.nextCall();
    const call = await OutgoingCall.start(alice.ua, sandbox().accounts.bob.aor);
    const ringing = ringingSeen(call, () => {});
    const callee = await incoming;
    callee.ring();
    assert.equal(await ringing, "early");
    await call.cancel();
    assert.deepEqual(await call.ended, { reason: "cancelled", status: 487 });
    assert.deepEqual(await callee.ended, { reason: "cancelled", status: 487 });
  });
}

describe("through Kamailio", () => {
  const sandbox = useSandbox();
  for (const transport of ["UDP", "TCP", "WS"] as TransportName[]) {
    describe(`over ${transport}`, () =>
      callScenarios(sandbox, transport, { gruu: true, calleeRequests: true }));
  }
});

describe("through Kamailio in TLS mode", () => {
  const sandbox = useSandbox({ tls: true });
  for (const transport of ["TLS", "WSS"] as TransportName[]) {
    describe(`over ${transport}`, () =>
      callScenarios(sandbox, transport, { gruu: true, calleeRequests: true }));
  }
});

describe("through Kamailio with topology hiding (--sbc topoh)", () => {
  const sandbox = useSandbox({ sbc: "topoh" });
  describe("over UDP", () => callScenarios(sandbox, "UDP", { gruu: false, calleeRequests: true }));
});
