// A SIP identity under the test's control (mallory's attack tool, a plain phone that never
// echoes): one of our UAs, registered at the sandbox's Kamailio with the account's own
// credentials, that sends exactly the INVITE the test writes and answers calls by itself.

import { randomBytes } from "node:crypto";
import type { SandboxAccount, SandboxInfo } from "../../../src/sandbox/index.js";
import { OutgoingCall, Registration } from "../../../src/sip/ua/index.js";
import { startUa, type TestUa } from "../../sip/support/ua-factory.js";

export class SipPeer {
  private constructor(
    readonly ua: TestUa,
    private readonly reg: Registration,
  ) {}

  static async start(info: SandboxInfo, account: SandboxAccount, autoAnswer = false) {
    const ua = await startUa({
      aor: account.aor,
      credentials: { username: account.sipUser, password: account.password },
      outboundProxy: `sip:${info.sip.host}:${info.sip.udpPort};transport=udp;lr`,
      autoAnswer,
    });
    const reg = new Registration(ua.ua, { expires: 300 });
    await reg.register();
    return new SipPeer(ua, reg);
  }

  /** An INVITE to `target` carrying these Call-Info values (the profile's carrier, forged). */
  invite(target: string, callInfo: readonly string[]): Promise<OutgoingCall> {
    return OutgoingCall.start(this.ua.ua, target, {
      headers: callInfo.map((v) => ["Call-Info", v] as [string, string]),
    });
  }

  async stop(): Promise<void> {
    this.reg.stop();
    await this.reg.unregister().catch(() => {});
    await this.ua.stop();
  }
}

/** A well-formed token nobody issued (PROFILE.md §3: 22 base64url characters). */
export function guessedToken(): string {
  return randomBytes(16).toString("base64url");
}
