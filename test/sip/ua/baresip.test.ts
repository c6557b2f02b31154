// Against baresip through Kamailio: baresip calls our UA, and our UA calls baresip (which
// answers by itself); each call is set up, confirmed and hung up by the other side.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { OutgoingCall, Registration } from "../../../src/sip/ua/index.js";
import { useSandbox } from "../../helpers/sandbox.js";
import { Baresip } from "../support/baresip.js";
import { startUa, type TestUa } from "../support/ua-factory.js";

describe("baresip and our UA through Kamailio", () => {
  const sandbox = useSandbox();
  let alice: TestUa;
  let reg: Registration;
  let baresip: Baresip | undefined;
  before(async () => {
    const { sip, accounts } = sandbox();
    const proxy = `sip:${sip.host}:${sip.udpPort};transport=udp`;
    alice = await startUa({
      aor: accounts.alice.aor,
      credentials: { username: accounts.alice.sipUser, password: accounts.alice.password },
      outboundProxy: `${proxy};lr`,
    });
    reg = new Registration(alice.ua, { expires: 600 });
    await reg.register();
    baresip = await Baresip.start({
      aor: accounts.carol.aor,
      password: accounts.carol.password,
      proxy,
    });
    await baresip.registered();
  });
  after(async () => {
    await baresip?.stop();
    reg?.stop();
    await alice?.stop();
  });

  it("baresip calls our UA; we answer; baresip hangs up", { timeout: 30_000 }, async () => {
    const incoming = alice.nextCall();
    baresip!.command("dial", sandbox().accounts.alice.aor);
    const call = await incoming;
    assert.equal(call.request.from().uri.scheme, "sip");
    call.ring();
    await call.accept();
    await call.accepted;
    await baresip!.event(["CALL_ESTABLISHED"]);
    // The offer came from baresip's SDP (PCMU/PCMA).
    assert.match(alice.sdp.remoteBodies.at(-1) ?? "", /m=audio \d+ RTP\/AVP/);
    baresip!.command("hangup");
    assert.deepEqual(await call.ended, { reason: "remote-bye" });
    await baresip!.event(["CALL_CLOSED"]);
  });

  it("our UA calls baresip; it answers by itself; we hang up", { timeout: 30_000 }, async () => {
    const call = await OutgoingCall.start(alice.ua, sandbox().accounts.carol.aor);
    await call.accepted;
    await baresip!.event(["CALL_ESTABLISHED"]);
    assert.equal(await call.bye(), 200);
    await baresip!.event(["CALL_CLOSED"]);
  });
});
