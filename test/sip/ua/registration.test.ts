// Registration against Kamailio's registrar (RFC 3261 §10.2): digest, GRUU (RFC 5627), refresh
// before expiry driven by a fake clock, and removal with Expires: 0, checked by a query.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FakeClock } from "../../../src/common/clock.js";
import { formatUri, paramValue } from "../../../src/sip/message/index.js";
import { Registration, type RegistrationState } from "../../../src/sip/ua/index.js";
import { useSandbox } from "../../helpers/sandbox.js";
import { startUa, type TestUa } from "../support/ua-factory.js";

describe("registration with Kamailio", () => {
  const sandbox = useSandbox();
  const clock = new FakeClock();
  let carol: TestUa;
  before(async () => {
    const acct = sandbox().accounts.carol;
    carol = await startUa({
      aor: acct.aor,
      credentials: { username: acct.sipUser, password: acct.password },
      outboundProxy: `sip:${sandbox().sip.host}:${sandbox().sip.udpPort};lr`,
      clock,
    });
  });
  after(async () => {
    await carol?.stop();
  });

  /** The bindings of the AOR, by a REGISTER without Contact (§10.2.3). */
  async function bindings(): Promise<string[]> {
    const aor = sandbox().accounts.carol.aor;
    const req = carol.ua.newRequest("REGISTER", `sip:${sandbox().domains.sip}`, { to: `<${aor}>` });
    const res = await carol.ua.request(req);
    assert.equal(res.status, 200);
    const c = res.contacts();
    return c === "*" ? [] : c.map((na) => unquoteInstance(paramValue(na.params, "+sip.instance")));
  }
  const unquoteInstance = (v: string | null | undefined) => (v ?? "").replace(/^"<|>"$/g, "");

  it("registers, gets a GRUU, refreshes halfway through a short lifetime, and unregisters", async () => {
    const reg = new Registration(carol.ua, { expires: 60 });
    const first = await reg.register();
    assert.equal(first.expires, 60);
    assert.ok(first.publicGruu && first.tempGruu, "pub-gruu and temp-gruu (RFC 5627 §5)");
    assert.match(formatUri(first.publicGruu), /;gr=urn:uuid:/);
    assert.deepEqual(await bindings(), [carol.ua.instanceId]);

    const refreshed = new Promise<RegistrationState | Error>((r) => {
      reg.onRefresh = r;
    });
    clock.advance(29_999);
    assert.equal(clock.pendingDueTimes().includes(30_000), true, "the refresh is due at 30 s");
    clock.advance(1);
    const state = await refreshed;
    assert.ok(!(state instanceof Error), String(state));
    assert.equal(state.expires, 60);

    await reg.unregister();
    assert.deepEqual(await bindings(), []);
  });
});
