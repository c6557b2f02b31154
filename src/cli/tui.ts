// `duet tui`: the full-screen terminal client (issue 7), a client of a running daemon's API
// (docs/api.md). `--api URL --api-token T` attaches to it; the token may also come from the
// DUET_API_TOKEN environment variable so that it stays out of the process list.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { render } from "ink";
import { createElement } from "react";
import { systemClock } from "../common/clock.js";
import { type CliIo, UsageError } from "./io.js";
import { App } from "./tui/app.js";
import { TuiController } from "./tui/controller.js";
import { EventStreamClient } from "./tui/event-stream.js";
import { RpcCallError, RpcClient } from "./tui/rpc-client.js";
import { Store } from "./tui/store.js";

export const TUI_USAGE = `Usage: duet tui --api URL [--api-token TOKEN]
       duet tui --config FILE

Opens the full-screen terminal client.

  --api URL          a running daemon's API, e.g. http://127.0.0.1:7070
  --api-token TOKEN  its token (or set DUET_API_TOKEN)
  --config FILE      run an endpoint from this config file for the session: a \`duet daemon\`
                     is started on 127.0.0.1 (log in FILE.log) and stopped when you quit

Press ? inside for the keys and commands.`;

export type TuiOptions =
  | { readonly api: string; readonly token: string }
  | { readonly config: string };

export function parseTuiArgs(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): TuiOptions | "help" {
  let api: string | undefined;
  let token: string | undefined = env.DUET_API_TOKEN;
  let config: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] =
      a.startsWith("--") && a.includes("=")
        ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
        : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "")
        throw new UsageError(`${flag} needs a value.\n\n${TUI_USAGE}`);
      return v;
    };
    switch (flag) {
      case "--api":
        api = value();
        break;
      case "--api-token":
        token = value();
        break;
      case "--config":
        config = value();
        break;
      case "--help":
      case "-h":
        return "help";
      default:
        throw new UsageError(`unknown option "${a}" for tui.\n\n${TUI_USAGE}`);
    }
  }
  if (config !== undefined) {
    if (api !== undefined) throw new UsageError("give either --config FILE or --api URL, not both");
    return { config };
  }
  if (api === undefined)
    throw new UsageError(`tui needs --api URL (or --config FILE).\n\n${TUI_USAGE}`);
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new UsageError(
      `--api "${api}" is not a URL: give the daemon's API URL, e.g. http://127.0.0.1:7070`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`--api "${api}" must be an http: or https: URL`);
  if (token === undefined || token === "")
    throw new UsageError("tui needs the daemon's API token: --api-token TOKEN or DUET_API_TOKEN");
  return { api: url.origin, token };
}

export async function tuiCommand(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseTuiArgs(args);
  if (options === "help") {
    io.out(TUI_USAGE);
    return 0;
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    io.err(
      "duet: tui draws a full screen and reads keys: run it in a terminal (stdin and stdout must be a TTY)",
    );
    return 2;
  }
  if ("config" in options) {
    let daemon: OwnDaemon;
    try {
      daemon = await startOwnDaemon(options.config);
    } catch (e) {
      io.err(`duet: ${(e as Error).message}`);
      return 1;
    }
    try {
      return await runTui({ api: daemon.api, token: daemon.token }, io);
    } finally {
      await daemon.stop();
    }
  }
  return await runTui(options, io);
}

interface OwnDaemon {
  readonly api: string;
  readonly token: string;
  stop(): Promise<void>;
}

/**
 * `--config`: a `duet daemon` of this session's own, on loopback with a fresh token; its log
 * goes to FILE.log so that it does not draw over the screen.
 */
async function startOwnDaemon(config: string): Promise<OwnDaemon> {
  const token = randomBytes(24).toString("base64url");
  const logFile = `${resolve(config)}.log`;
  const log = openSync(logFile, "a");
  const child = spawn(
    process.execPath,
    [
      process.argv[1]!,
      "daemon",
      "--config",
      config,
      "--api",
      "127.0.0.1:0",
      "--api-token",
      token,
      "--log-format",
      "text",
    ],
    { stdio: ["ignore", "pipe", log] },
  );
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  const ready = await new Promise<{ api: string }>((resolveReady, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (d: string) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      try {
        resolveReady(JSON.parse(out.slice(0, nl)) as { api: string });
      } catch {
        reject(new Error(`the daemon printed no ready line: ${out.slice(0, 200)}`));
      }
    });
    void exited.then((code) => {
      const tail = readFileSync(logFile, "utf8").trim().split("\n").slice(-8).join("\n");
      reject(
        new Error(`the daemon for ${config} stopped (exit ${code}) before it was ready:\n${tail}`),
      );
    });
  });
  closeSync(log);
  return { api: ready.api, token, stop };
}

async function runTui(options: { api: string; token: string }, io: CliIo): Promise<number> {
  const rpc = new RpcClient(options.api, options.token);
  // Checked before taking over the screen, so a wrong URL or token reads as a plain error.
  try {
    await rpc.call("status", {});
  } catch (e) {
    if (e instanceof RpcCallError) {
      io.err(`duet: ${e.message}${e.hint ? ` (${e.hint})` : ""}`);
      return 1;
    }
    throw e;
  }
  const store = new Store();
  let quit = () => {};
  const controller = new TuiController(store, rpc, systemClock, () => quit());
  const stream = new EventStreamClient({
    baseUrl: options.api,
    token: options.token,
    clock: systemClock,
    onEvent: (e) => controller.onEvent(e),
    onState: (s) => controller.onStreamState(s),
  });
  const app = render(createElement(App, { store, controller }), { exitOnCtrlC: false });
  quit = () => app.unmount();
  // The terminal went away (window closed, ssh dropped): leave rather than draw into nothing.
  const hangup = () => quit();
  process.once("SIGHUP", hangup);
  stream.start();
  try {
    await app.waitUntilExit();
  } finally {
    process.off("SIGHUP", hangup);
    stream.stop();
  }
  return 0;
}
