// Two of our UAs calling each other directly on 127.0.0.1 (no proxy), over UDP, TCP and
// WebSocket: INVITE, 180, 200, ACK, re-INVITE, BYE, and CANCEL before the answer.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TransportName } from "../../../src/sip/transport/index.js";
import { OutgoingCall } from "../../../src/sip/ua/index.js";
import { startUa, type TestUa } from "../support/ua-factory.js";

for (const transport of ["UDP", "TCP", "WS"] as TransportName[]) {
  describe(`direct calls over ${transport}`, () => {
    let alice: TestUa;
    let bob: TestUa;
    let bobUri: string;
    before(async () => {
      alice = await startUa({
        aor: "sip:alice@example.test",
        preferredTransport: transport,
        listen: { ws: 0 },
      });
      bob = await startUa({
        aor: "sip:bob@example.test",
        preferredTransport: transport,
        listen: { ws: 0 },
      });
      const addr = bob.transport.localAddress(transport);
      assert.ok(addr);
      const t = transport === "UDP" ? "" : `;transport=${transport.toLowerCase()}`;
      bobUri = `sip:bob@127.0.0.1:${addr.port}${t}`;
    });
    after(async () => {
      await alice.stop();
      await bob.stop();
    });

    it("INVITE, 180, 200, ACK, re-INVITE, BYE", async () => {
      const incoming = bob.nextCall();
      const call = await OutgoingCall.start(alice.ua, bobUri);
      const progress: number[] = [];
      call.onProgress = (r) => progress.push(r.status);
      const callee = await incoming;
      callee.ring();
      await callee.accept();
      await call.accepted;
      await callee.accepted;
      assert.deepEqual(progress, [180]);
      assert.equal(call.state, "confirmed");
      assert.equal(callee.state, "confirmed");
      // Session-ID (RFC 7989): each side learnt the other's.
      assert.equal(call.remoteSessionId, callee.localSessionId);
      assert.equal(callee.remoteSessionId, call.localSessionId);

      const re = await call.reinvite();
      assert.equal(re.status, 200);
      const back = await callee.reinvite();
      assert.equal(back.status, 200);

      await call.bye();
      assert.deepEqual(await callee.ended, { reason: "remote-bye" });
      assert.deepEqual(await call.ended, { reason: "local-bye" });
    });

    it("CANCEL before the answer ends both sides with 487", async () => {
      const incoming = bob.nextCall();
      const call = await OutgoingCall.start(alice.ua, bobUri);
      const callee = await incoming;
      const ringing = new Promise<void>((r) => {
        call.onProgress = () => r();
      });
      callee.ring();
      await ringing;
      await call.cancel();
      assert.deepEqual(await call.ended, { reason: "cancelled", status: 487 });
      assert.deepEqual(await callee.ended, { reason: "cancelled", status: 487 });
    });

    it("a rejected call fails with the status", async () => {
      const incoming = bob.nextCall();
      const call = await OutgoingCall.start(alice.ua, bobUri);
      (await incoming).reject(486);
      await assert.rejects(call.accepted, { name: "CallFailedError", status: 486 });
      assert.deepEqual(await call.ended, { reason: "rejected", status: 486 });
    });
  });
}
