// Mallory's tool for the demo's hostile step: one of our own SIP user agents, registered with
// mallory's valid sandbox credentials, that sends exactly the INVITE the demo writes — here one
// whose Call-Info echoes a token alice issued to bob in chat (PROFILE.md §3, the carrier of
// REQ-1). A real client would never send it; the point is that alice's endpoint refuses to
// correlate it.

import { randomBytes } from "node:crypto";
import { systemClock } from "../common/clock.js";
import type { SandboxAccount, SandboxInfo } from "../sandbox/index.js";
import { locate, NodeTransportLayer } from "../sip/transport/index.js";
import {
  type CallEnd,
  OutgoingCall,
  Registration,
  type SessionBody,
  type SessionDescriptionHandlerFactory,
  UserAgent,
} from "../sip/ua/index.js";

/** An SDP offer (RFC 4566) for one PCMU stream on a port nothing listens on: no media flows. */
function inertOffer(): SessionDescriptionHandlerFactory {
  const body = (version: number): SessionBody => ({
    contentType: "application/sdp",
    content: [
      "v=0",
      `o=mallory 1 ${version} IN IP4 127.0.0.1`,
      "s=-",
      "c=IN IP4 127.0.0.1",
      "t=0 0",
      "m=audio 9 RTP/AVP 0",
      "a=rtpmap:0 PCMU/8000",
      "a=sendrecv",
      "",
    ].join("\r\n"),
  });
  return () => {
    let version = 1;
    return {
      createOffer: async () => body(version++),
      createAnswer: async () => body(version++),
      setAnswer: async () => {},
      close: () => {},
    };
  };
}

/** A token nobody issued, well-formed (PROFILE.md §3: 128 random bits, base64url). */
export function freshToken(): string {
  return randomBytes(16).toString("base64url");
}

export class SipAttacker {
  private constructor(
    readonly account: SandboxAccount,
    private readonly ua: UserAgent,
    private readonly transport: NodeTransportLayer,
    private readonly registration: Registration,
  ) {}

  static async start(info: SandboxInfo, account: SandboxAccount): Promise<SipAttacker> {
    const clock = systemClock;
    const transport = await NodeTransportLayer.start({ clock, udp: 0, tcp: 0 });
    const ua = new UserAgent({
      clock,
      transport,
      aor: account.aor,
      credentials: { username: account.sipUser, password: account.password },
      outboundProxy: `sip:${info.sip.host}:${info.sip.udpPort};transport=udp;lr`,
      resolver: (uri, preferred) => locate(uri, preferred),
      sessionDescription: inertOffer(),
    });
    // Nothing is expected outside the INVITE's own transaction; answer anything else plainly.
    ua.onRequest = (ctx) => {
      ctx.reply(ctx.request.method === "INVITE" ? 486 : 200);
    };
    const registration = new Registration(ua, { expires: 120 });
    try {
      await registration.register();
    } catch (e) {
      await ua.close();
      await transport.close();
      throw e;
    }
    return new SipAttacker(account, ua, transport, registration);
  }

  /** The Call-Info value that replays `echo` under the attacker's own JID and a made-up thread. */
  static replayCallInfo(ownJid: string, echo: string): string {
    return `<xmpp:${ownJid}/evil?message;thread=stolen>;purpose=impp;token=${freshToken()};echo=${echo}`;
  }

  /** Sends an INVITE to `target` carrying `callInfo`; resolves with how the call ended. */
  async invite(
    target: string,
    callInfo: string,
  ): Promise<{ call: OutgoingCall; ended: Promise<CallEnd> }> {
    const call = await OutgoingCall.start(this.ua, target, { headers: [["Call-Info", callInfo]] });
    return { call, ended: call.ended };
  }

  async stop(): Promise<void> {
    this.registration.stop();
    await this.registration.unregister().catch(() => {});
    await this.ua.close();
    await this.transport.close();
  }
}
