// Separated endpoints (PROFILE.md §0) for the acceptance tests: a plain XMPP client (slixmpp)
// and a plain SIP phone (baresip), real programs started by the test on 127.0.0.1.

import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { SandboxInfo } from "../../../src/sandbox/index.js";
import { testData } from "../../helpers/paths.js";

const running = new Set<SlixmppContact>();
process.once("exit", () => {
  for (const p of running) p.child.kill("SIGKILL");
});

/** A slixmpp contact; the test stops it (`stop()`) in its own after(). */
export class SlixmppContact {
  readonly lines: string[] = [];
  private stderr = "";
  private waiters: (() => void)[] = [];

  private constructor(readonly child: ChildProcess) {
    child.stderr?.on("data", (d) => {
      this.stderr += String(d);
    });
    createInterface({ input: child.stdout! }).on("line", (l) => {
      this.lines.push(l);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Logs in as `account` and becomes a contact of `peerJid` (subscriptions both ways). */
  static async start(
    info: SandboxInfo,
    account: { jid: string; password: string },
    peerJid: string,
  ) {
    const child = spawn(
      "/usr/bin/python3",
      [
        testData("endpoint", "support", "slixmpp_contact.py"),
        account.jid,
        account.password,
        info.xmpp.host,
        String(info.xmpp.tcpPort),
        peerJid,
        "120",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const peer = new SlixmppContact(child);
    running.add(peer);
    await peer.line((l) => l === "READY", 20_000, "its session");
    return peer;
  }

  /** The first line (already printed or still to come, from index `since`) that matches. */
  line(pred: (l: string) => boolean, ms = 15_000, what = "a line", since = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.slice(since).find(pred);
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        reject(
          new Error(
            `slixmpp did not report ${what} within ${ms} ms; lines: ${this.lines.slice(-10).join(" | ")}; stderr: ${this.stderr.slice(-400)}`,
          ),
        );
      }, ms);
      if (check()) return;
      const wait = () => {
        if (!check()) this.waiters.push(wait);
      };
      this.waiters.push(wait);
    });
  }

  get mark(): number {
    return this.lines.length;
  }

  stop(): void {
    running.delete(this);
    if (this.child.exitCode === null) this.child.kill("SIGTERM");
  }
}
