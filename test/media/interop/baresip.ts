// Runs baresip 1.0.0 (the real peer) for the media interop test: its own config directory, a
// WAV file as its microphone (aufile), decoded received audio dumped to WAV (sndfile), no sound
// card (alsa "null"). Started on 127.0.0.1 with a free port, stopped by pid.

import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export async function freeUdpPort(): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export interface Baresip {
  readonly process: ChildProcess;
  readonly dumpDir: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  /** Resolves when the output matches `pattern` (rejects after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  stop(): void;
}

export async function startBaresip(options: {
  dir: string;
  sourceWav: string;
  /** Dial this URI at start (direct calls); omit to wait for calls. */
  dial?: string;
  /** Register this account through a proxy and answer calls by itself. */
  account?: { aor: string; password: string; proxy: string };
  quitAfterSeconds: number;
  /** Offer SRTP with SDES keys only (baresip's "srtp-mand": RTP/SAVP with a=crypto). */
  srtp?: boolean;
}): Promise<Baresip> {
  // baresip also listens on TCP (same port) and TLS (the port after): take a port whose
  // neighbours are free too.
  let port = await freeUdpPort();
  while (port >= 65535 || !(await tcpPortFree(port)) || !(await tcpPortFree(port + 1))) {
    port = await freeUdpPort();
  }
  const rtpBase = 20000 + 2 * Math.floor(Math.random() * 10000);
  const dumpDir = join(options.dir, "dump");
  mkdirSync(dumpDir, { recursive: true });
  writeFileSync(
    join(options.dir, "config"),
    [
      `sip_listen 127.0.0.1:${port}`,
      "net_interface 127.0.0.1",
      `rtp_ports ${rtpBase}-${rtpBase + 100}`,
      `audio_source aufile,${options.sourceWav}`,
      "audio_player alsa,null",
      "audio_alert alsa,null",
      `snd_path ${dumpDir}`,
      "module_path /usr/lib/baresip/modules",
      "module g711.so",
      "module aufile.so",
      "module alsa.so",
      "module sndfile.so",
      "module srtp.so",
      "module menu.so",
      "module account.so",
      "",
    ].join("\n"),
  );
  const mediaenc = options.srtp ? ";mediaenc=srtp-mand" : "";
  const account = options.account
    ? `<${options.account.aor};transport=udp>;auth_pass=${options.account.password};` +
      `outbound="${options.account.proxy}";answermode=auto;regint=600`
    : "<sip:baresip@127.0.0.1>;regint=0";
  writeFileSync(join(options.dir, "accounts"), `${account};audio_codecs=PCMU,PCMA${mediaenc}\n`);
  writeFileSync(join(options.dir, "contacts"), "");
  const args = ["-f", options.dir, "-t", String(options.quitAfterSeconds)];
  if (options.dial) args.push("-e", `/dial ${options.dial}`);
  const child = spawn("baresip", args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return {
    process: child,
    dumpDir,
    output: () => out,
    exited,
    waitFor: async (pattern, ms = 10_000) => {
      const end = Date.now() + ms;
      while (!pattern.test(out)) {
        if (Date.now() > end || child.exitCode !== null) {
          throw new Error(`baresip never printed ${pattern}:\n${out}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGTERM");
    },
  };
}
