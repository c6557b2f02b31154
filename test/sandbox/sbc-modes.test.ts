// Foundation acceptance: each `--sbc` mode of the sandbox does what it says, shown with a raw
// SIP call through the real Kamailio; every account logs in to the real Prosody over TCP and
// WebSocket.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SANDBOX_IDENTITIES, SBC_MODES, type SbcMode } from "../../src/sandbox/index.js";
import { RawSipUdpPeer } from "../helpers/raw-sip.js";
import { rawCall, rawRegister } from "../helpers/raw-sip-flows.js";
import { rawLoginTcp, rawLoginWebSocket } from "../helpers/raw-xmpp.js";
import { useSandbox } from "../helpers/sandbox.js";

const expected: Record<SbcMode, { callIdKept: boolean; callInfo: boolean; sessionId: boolean }> = {
  none: { callIdKept: true, callInfo: true, sessionId: true },
  topoh: { callIdKept: false, callInfo: true, sessionId: true },
  "strip-call-info": { callIdKept: true, callInfo: false, sessionId: true },
  "strip-all": { callIdKept: true, callInfo: false, sessionId: false },
};

describe("sandbox Prosody features", () => {
  const sandbox = useSandbox();

  it("serves roster, disco, PEP, carbons, MAM, stream management, vCard and ping", async () => {
    const info = sandbox();
    const login = await rawLoginTcp(info.xmpp.tcpPort, {
      domain: info.domains.xmpp,
      user: "alice",
      password: "alicepass",
      disco: [info.domains.xmpp, ""],
    });
    assert.ok(login.boundFeatures.includes("urn:xmpp:sm:3"), "XEP-0198 stream management offered");
    assert.ok(login.boundFeatures.includes("urn:ietf:params:xml:ns:xmpp-bind"));
    const server = login.disco[info.domains.xmpp]!;
    for (const feature of [
      "http://jabber.org/protocol/disco#info", // XEP-0030
      "urn:xmpp:carbons:2", // XEP-0280
      "urn:xmpp:ping", // XEP-0199
      "vcard-temp", // XEP-0054
    ]) {
      assert.ok(
        server.includes(feature),
        `server disco#info lacks ${feature}: ${server.join(" ")}`,
      );
    }
    const account = login.disco[""]!;
    assert.ok(account.includes("urn:xmpp:mam:2"), `account lacks MAM: ${account.join(" ")}`);
    assert.ok(
      account.includes("http://jabber.org/protocol/pubsub#publish"),
      `account lacks PEP: ${account.join(" ")}`,
    );
    // RFC 6121 §2.6: the roster (with versioning) is announced as a stream feature.
    assert.ok(
      login.boundFeatures.includes("urn:xmpp:features:rosterver"),
      login.boundFeatures.join(" "),
    );
  });
});

for (const mode of SBC_MODES) {
  describe(`sandbox with --sbc ${mode}`, () => {
    const sandbox = useSandbox({ sbc: mode });

    it("every account logs in to Prosody over TCP and over WebSocket", async () => {
      const info = sandbox();
      for (const id of SANDBOX_IDENTITIES) {
        const account = info.accounts[id.name];
        const creds = { domain: info.domains.xmpp, user: id.xmppUser, password: account.password };
        const tcp = await rawLoginTcp(info.xmpp.tcpPort, { ...creds, resource: "tcp" });
        assert.equal(tcp.jid, `${account.jid}/tcp`);
        const ws = await rawLoginWebSocket(info.xmpp.websocketUrl, { ...creds, resource: "ws" });
        assert.equal(ws.jid, `${account.jid}/ws`);
      }
    });

    it(`a raw SIP call through Kamailio shows the mode's effect (${describeExpectation(mode)})`, async () => {
      const info = sandbox();
      const alice = await RawSipUdpPeer.open(info.sip.udpPort!);
      const bob = await RawSipUdpPeer.open(info.sip.udpPort!);
      try {
        const reg = await rawRegister(bob, info, info.accounts.bob);
        assert.equal(reg.status, 200, reg.startLine);
        const call = await rawCall(
          { peer: alice, account: info.accounts.alice },
          { peer: bob, account: info.accounts.bob },
        );
        const want = expected[mode];
        const invite = call.inviteAtCallee;
        assert.equal(
          invite.header("call-id") === call.callerCallId,
          want.callIdKept,
          "Call-ID at callee",
        );
        // Whatever the proxy does to the Call-ID, the caller sees its own again in responses.
        assert.equal(call.okAtCaller.header("call-id"), call.callerCallId);
        assert.equal(
          invite.header("call-info") !== undefined,
          want.callInfo,
          "Call-Info in INVITE",
        );
        assert.equal(
          call.okAtCaller.header("call-info") !== undefined,
          want.callInfo,
          "Call-Info in 200",
        );
        assert.equal(
          invite.header("session-id") !== undefined,
          want.sessionId,
          "Session-ID in INVITE",
        );
        assert.equal(
          call.okAtCaller.header("session-id") !== undefined,
          want.sessionId,
          "Session-ID in 200",
        );
        if (want.callInfo) {
          assert.match(
            invite.header("call-info")!,
            /^<xmpp:alice@chat\.example\.test\/raw\?message;thread=/,
          );
        }
        // The proxy authenticated alice and asserts her identity (RFC 3325).
        assert.equal(invite.header("p-asserted-identity"), "<sip:alice@voip.example.test>");
        if (mode === "topoh") {
          assert.ok(
            !invite.text.includes(`127.0.0.1:${alice.port}`),
            "caller's address hidden from callee",
          );
        }
        assert.ok(call.ackReachedCallee, "ACK reached the callee through the record-routing proxy");
        assert.ok(call.byeCompleted, "BYE reached the callee and its 200 came back");
      } finally {
        alice.close();
        bob.close();
      }
    });
  });
}

function describeExpectation(mode: SbcMode): string {
  const w = expected[mode];
  return [
    w.callIdKept ? "Call-ID kept" : "Call-ID changed",
    w.callInfo ? "Call-Info kept" : "Call-Info gone",
    w.sessionId ? "Session-ID kept" : "Session-ID gone",
  ].join(", ");
}
