// Two daemons (and more) on one sandbox, for the acceptance scenarios of issue 6: started from
// the sandbox's own account configs, stopped at the end even when a test fails.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { readWavFile } from "../../../src/media/audio/wav-source.js";
import type { AccountName, SandboxInfo } from "../../../src/sandbox/index.js";
import { toneWindows } from "../../media/tone-analysis.js";
import { DaemonProcess, type DaemonStart } from "./daemon-process.js";

export const TONES = { alice: 440, bob: 1000, carol: 697, mallory: 1633 } as const;

export class Daemons {
  private readonly all = new Set<DaemonProcess>();
  readonly root = mkdtempSync(join(tmpdir(), "duet-daemons-"));

  constructor(private readonly sandbox: () => SandboxInfo) {
    after(async () => {
      await this.stopAll();
      rmSync(this.root, { recursive: true, force: true });
    });
  }

  async start(
    who: AccountName,
    opts: Partial<DaemonStart> & { tag?: string } = {},
  ): Promise<DaemonProcess> {
    const info = this.sandbox();
    const d = await DaemonProcess.start(who, {
      config: info.accounts[who].config,
      dir: join(this.root, opts.tag ?? who),
      audio: `tone:${TONES[who]}`,
      ...opts,
    });
    this.all.add(d);
    return d;
  }

  /** Alice's and bob's daemons, made contacts of each other (the start of most scenarios). */
  async friends(
    opts: {
      alice?: Partial<DaemonStart> & { tag?: string };
      bob?: Partial<DaemonStart> & { tag?: string };
    } = {},
  ): Promise<{ alice: DaemonProcess; bob: DaemonProcess }> {
    const alice = await this.start("alice", opts.alice);
    const bob = await this.start("bob", opts.bob);
    await befriend(alice, bob);
    return { alice, bob };
  }

  async stop(d: DaemonProcess): Promise<void> {
    this.all.delete(d);
    await d.stop();
  }

  async stopAll(): Promise<void> {
    const list = [...this.all];
    this.all.clear();
    await Promise.all(list.map((d) => d.stop()));
  }
}

/** Makes two daemons' users contacts of each other (subscription both ways, RFC 6121 §3). */
export async function befriend(a: DaemonProcess, b: DaemonProcess): Promise<void> {
  const aJid = a.ready.xmpp.split("/")[0]!;
  const bJid = b.ready.xmpp.split("/")[0]!;
  const known = (await a.rpc.call("contacts.list", {})).contacts.find((c) => c.jid === bJid);
  if (known?.subscription === "both") {
    // Already contacts (an earlier run): wait until each lists the other online.
    await online(a, bJid);
    await online(b, aJid);
    return;
  }
  const since = b.mark;
  await a.rpc.call("contacts.add", { jid: bJid });
  await b.waitFor("contact.request", (e) => e.jid === aJid, { since });
  await b.rpc.call("contacts.approve", { jid: aJid, approve: true });
  const sinceA = a.mark;
  await a.waitFor("contact.request", (e) => e.jid === bJid, { since: sinceA });
  await a.rpc.call("contacts.approve", { jid: bJid, approve: true });
  // Both see the other online.
  await a.waitFor("presence.changed", (e) => e.jid === bJid && e.presence.available);
  await b.waitFor("presence.changed", (e) => e.jid === aJid && e.presence.available);
}

/** Waits until `d`'s contacts.list shows `jid` available (presence may predate its stream). */
async function online(d: DaemonProcess, jid: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const c = (await d.rpc.call("contacts.list", {})).contacts.find((x) => x.jid === jid);
    if (c?.presence?.available) return;
    if (Date.now() > deadline) throw new Error(`${d.name} never saw ${jid} online`);
    await sleep(100);
  }
}

/** Share of a call recording's 20 ms windows in which `hz` dominates (0 when nothing recorded). */
export function toneShare(file: string, hz: number, others: readonly number[]): number {
  if (!existsSync(file)) return 0;
  const wav = readWavFile(file);
  // The first and last 200 ms hold the start and end of media (RTP not yet latched, BYE).
  const trim = Math.round(wav.rate * 0.2);
  const samples = wav.samples.subarray(trim, Math.max(trim, wav.samples.length - trim));
  const r = toneWindows(samples, wav.rate, hz, others);
  return r.windows === 0 ? 0 : r.withTone / r.windows;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
