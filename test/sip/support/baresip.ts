// Running baresip 1.0 as a real peer: its own config dir, one account registered through the
// proxy, auto-answer, and the ctrl_tcp module (netstring-framed JSON) to dial, hang up and hear
// its events. Started on 127.0.0.1 with free ports, stopped by pid even when a test fails.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, isPortFree } from "./free-port.js";

export interface BaresipEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** One second of a 440 Hz tone as 8 kHz mono 16-bit PCM WAV (aufile wants 8 kHz for PCMU). */
function toneWav(): Buffer {
  const rate = 8000;
  const samples = rate;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  }
  const head = Buffer.alloc(44);
  head.write("RIFF", 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write("WAVE", 8);
  head.write("fmt ", 12);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write("data", 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

export class Baresip {
  private readonly events: BaresipEvent[] = [];
  private readonly responses: Array<{ ok: boolean; data: string }> = [];
  private waiters: Array<() => void> = [];
  private buffer = "";
  private constructor(
    private readonly child: ChildProcess,
    private readonly ctrl: Socket,
    readonly dir: string,
    readonly sipPort: number,
  ) {
    ctrl.on("data", (d: Buffer) => {
      this.buffer += d.toString("utf8");
      for (;;) {
        const colon = this.buffer.indexOf(":");
        if (colon < 0) break;
        const len = Number(this.buffer.slice(0, colon));
        if (this.buffer.length < colon + 1 + len + 1) break;
        const json = this.buffer.slice(colon + 1, colon + 1 + len);
        this.buffer = this.buffer.slice(colon + 1 + len + 1);
        try {
          const msg = JSON.parse(json) as BaresipEvent & {
            event?: boolean;
            response?: boolean;
            ok?: boolean;
            data?: string;
          };
          if (msg.event) this.events.push(msg);
          if (msg.response) this.responses.push({ ok: msg.ok === true, data: msg.data ?? "" });
        } catch {
          // not JSON: ignore
        }
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  /** With `proxy`, the account registers through it; without, baresip only answers direct calls. */
  static async start(opts: { aor: string; password?: string; proxy?: string }): Promise<Baresip> {
    const dir = mkdtempSync(join(tmpdir(), "duet-baresip-"));
    // baresip listens for SIP over TLS on sip_listen's port + 1: keep that one free too.
    let sipPort = await freePort();
    while (!(await isPortFree(sipPort + 1))) sipPort = await freePort();
    let ctrlPort = await freePort();
    while (ctrlPort === sipPort + 1 || ctrlPort === sipPort) ctrlPort = await freePort();
    const rtpBase = 20000 + Math.floor(Math.random() * 16000);
    writeFileSync(
      join(dir, "config"),
      [
        "poll_method epoll",
        `sip_listen 127.0.0.1:${sipPort}`,
        "net_interface 127.0.0.1",
        `rtp_ports ${rtpBase}-${rtpBase + 4000}`,
        // baresip takes 4 calls at a time by default.
        "call_max_calls 4096",
        "module_path /usr/lib/baresip/modules",
        "module g711.so",
        "module aufile.so",
        "module aubridge.so",
        "module account.so",
        "module menu.so",
        "module ctrl_tcp.so",
        `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
        `audio_source aufile,${join(dir, "tone.wav")}`,
        "audio_player aubridge,duet",
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, "tone.wav"), toneWav());
    const account = opts.proxy
      ? `;auth_pass=${opts.password ?? ""};outbound="${opts.proxy}";regint=600`
      : ";regint=0";
    writeFileSync(
      join(dir, "accounts"),
      `<${opts.aor};transport=udp>${account};answermode=auto;audio_codecs=PCMU,PCMA\n`,
    );
    const child = spawn("baresip", ["-f", dir], {
      stdio: ["ignore", "ignore", "ignore"],
      detached: true,
    });
    // ctrl_tcp comes up once the modules are loaded.
    let ctrl: Socket | undefined;
    for (let i = 0; i < 100 && !ctrl; i++) {
      ctrl = await new Promise<Socket | undefined>((resolve) => {
        const s = connect(ctrlPort, "127.0.0.1");
        s.once("connect", () => resolve(s));
        s.once("error", () => resolve(undefined));
      });
      if (!ctrl) await new Promise((r) => setTimeout(r, 50));
    }
    if (!ctrl) {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      throw new Error(`baresip did not open its control port (config in ${dir})`);
    }
    return new Baresip(child, ctrl, dir, sipPort);
  }

  command(command: string, params = ""): void {
    const json = JSON.stringify({ command, params, token: String(Date.now()) });
    this.ctrl.write(`${Buffer.byteLength(json)}:${json},`);
  }

  /** Sends a command and waits for its response's data. */
  async request(command: string, params = "", ms = 5000): Promise<string> {
    const before = this.responses.length;
    this.command(command, params);
    const deadline = Date.now() + ms;
    while (this.responses.length <= before) {
      if (Date.now() > deadline) throw new Error(`baresip: no response to ${command}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return (this.responses[before] as { data: string }).data;
  }

  /** Waits until the account is registered ("reginfo" shows OK): the REGISTER_OK event may
   * have gone out before we connected. */
  async registered(ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      // The status is coloured with ANSI escapes ("\u001b[32mOK \u001b[;m"): strip them first.
      const info = (await this.request("reginfo")).replace(/\u001b\[[0-9;]*m/g, "");
      if (/\sOK\s/.test(info)) return;
      if (Date.now() > deadline) throw new Error(`baresip did not register: ${info}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The next event of one of `types` not consumed yet; fails after `ms` (a hang guard). */
  async event(types: string[], ms = 10_000): Promise<BaresipEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.events.findIndex((e) => types.includes(e.type));
      if (i >= 0) return this.events.splice(i, 1)[0] as BaresipEvent;
      if (Date.now() > deadline) {
        const seen = this.events.map((e) => `${e.type}${e.param ? ` (${String(e.param)})` : ""}`);
        throw new Error(`baresip: no ${types.join("/")} event; saw ${seen.join(", ")}`);
      }
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  async stop(): Promise<void> {
    try {
      this.command("quit");
    } catch {
      // control connection gone
    }
    this.ctrl.destroy();
    const pid = this.child.pid;
    if (pid !== undefined && this.child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
