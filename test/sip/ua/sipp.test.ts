// Against sipp through Kamailio: sipp calls our auto-answering UA, and our UA calls a sipp UAS,
// 50 calls/s for 20 s each, with zero failed calls.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sipUri } from "../../../src/sip/message/index.js";
import { OutgoingCall, Registration } from "../../../src/sip/ua/index.js";
import { useSandbox } from "../../helpers/sandbox.js";
import { cleanup, type SippRun, startSipp, uacScenario, uasScenario } from "../support/sipp.js";
import { startUa, type TestUa } from "../support/ua-factory.js";

const RATE = Number(process.env.DUET_SIPP_RATE ?? 50);
const SECONDS = Number(process.env.DUET_SIPP_SECONDS ?? 20);
const CALLS = RATE * SECONDS;

describe(`sipp and our UA through Kamailio, ${RATE} calls/s for ${SECONDS} s`, () => {
  const sandbox = useSandbox();
  let alice: TestUa;
  let aliceReg: Registration;
  let sipp: SippRun | undefined;
  before(async () => {
    const a = sandbox().accounts.alice;
    alice = await startUa({
      aor: a.aor,
      credentials: { username: a.sipUser, password: a.password },
      outboundProxy: `sip:${sandbox().sip.host}:${sandbox().sip.udpPort};lr`,
      autoAnswer: true,
      ringFirst: false,
    });
    aliceReg = new Registration(alice.ua, { expires: 600 });
    await aliceReg.register();
  });
  after(async () => {
    if (sipp) console.error(`sipp files kept for the failure: ${sipp.dir}`);
    sipp?.stop();
    aliceReg?.stop();
    await alice?.stop();
  });

  it("sipp calls our UA (auto-answer): zero failed calls", { timeout: 180_000 }, async () => {
    const { sip, accounts } = sandbox();
    const carol = accounts.carol;
    sipp = await startSipp({
      scenario: uacScenario(carol.sipUser, "voip.example.test"),
      remote: `${sip.host}:${sip.udpPort}`,
      args: [
        "-s",
        accounts.alice.sipUser,
        "-au",
        carol.sipUser,
        "-ap",
        carol.password,
        "-m",
        String(CALLS),
        "-r",
        String(RATE),
        "-l",
        String(RATE * 4),
        "-timeout",
        `${SECONDS + 60}s`,
        "-timeout_error",
      ],
    });
    const result = await sipp.done;
    assert.equal(result.stats["SuccessfulCall(C)"], String(CALLS), result.errors);
    assert.equal(result.stats["FailedCall(C)"], "0", result.errors);
    assert.equal(result.code, 0, result.errors);
    assert.equal(alice.incoming.length, CALLS);
    assert.ok(alice.incoming.every((c) => c.state === "terminated"));
    cleanup(sipp);
    sipp = undefined;
  });

  it("our UA calls a sipp UAS: zero failed calls", { timeout: 180_000 }, async () => {
    const { accounts } = sandbox();
    const bob = accounts.bob;
    sipp = await startSipp({
      scenario: uasScenario(bob.sipUser),
      args: ["-m", String(CALLS), "-timeout", `${SECONDS + 60}s`],
    });
    // Register sipp's address as bob's contact (a third-party registration, RFC 3261 §10.2).
    const registrar = await startUa({
      aor: bob.aor,
      credentials: { username: bob.sipUser, password: bob.password },
      outboundProxy: `sip:${sandbox().sip.host}:${sandbox().sip.udpPort};lr`,
    });
    registrar.ua.contactOverride = sipUri("127.0.0.1", { user: bob.sipUser, port: sipp.port });
    const reg = new Registration(registrar.ua, { expires: 300 });
    await reg.register();
    try {
      let ok = 0;
      const failures: string[] = [];
      const calls: Promise<void>[] = [];
      const start = Date.now();
      for (let i = 0; i < CALLS; i++) {
        // Pace by the wall clock: call i starts at i/RATE seconds.
        const wait = start + (i * 1000) / RATE - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        calls.push(
          (async () => {
            try {
              const call = await OutgoingCall.start(alice.ua, bob.aor);
              await call.accepted;
              await new Promise((r) => setTimeout(r, 200));
              const status = await call.bye();
              if (status === 200) ok++;
              else failures.push(`BYE answered ${status}`);
            } catch (e) {
              failures.push((e as Error).message);
            }
          })(),
        );
      }
      await Promise.all(calls);
      assert.deepEqual(failures.slice(0, 5), []);
      assert.equal(ok, CALLS);
      const result = await sipp.done;
      assert.equal(result.stats["SuccessfulCall(C)"], String(CALLS), result.errors);
      assert.equal(result.stats["FailedCall(C)"], "0", result.errors);
      cleanup(sipp);
      sipp = undefined;
    } finally {
      await reg.unregister().catch(() => {});
      await registrar.stop();
    }
  });
});
