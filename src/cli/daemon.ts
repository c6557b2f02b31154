// `duet daemon --config FILE [flags]`: runs one endpoint with its API until SIGINT/SIGTERM.
// When ready it prints one JSON line (the API URL, the bound addresses); logs go to stderr.

import { spawn } from "node:child_process";
import {
  ConfigError,
  DAEMON_FLAGS_USAGE,
  extractDaemonOverrides,
  loadEndpointConfig,
} from "../endpoint/config/index.js";
import { Daemon } from "../endpoint/daemon.js";
import type { LogLevel } from "../endpoint/endpoint.js";
import { type CliIo, UsageError } from "./io.js";

export const DAEMON_USAGE = `Usage: duet daemon --config FILE [flags]

Runs one Duet endpoint (SIP user agent + XMPP client) and its API. When it is ready it prints
one JSON line: {"ready":true,"api":URL,"xmpp":JID,"sip":{"aor":…,"gruu":…},…}. The API is
JSON-RPC 2.0 at POST URL/rpc and Server-Sent Events at GET URL/events (docs/api.md).

  --config FILE          the endpoint's configuration (make one with \`duet init\`)
${DAEMON_FLAGS_USAGE}
  --log-level LEVEL      debug, info (default), warn or error, written to stderr
  --log-format FORMAT    json (default: one object a line) or text (for people)
  --trace sip,xmpp       also write the wire traffic of these protocols, readably`;

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export async function daemonCommand(args: string[], io: CliIo): Promise<number> {
  const { overrides, rest, issues } = extractDaemonOverrides(args);
  let configFile: string | undefined;
  let level: LogLevel = "info";
  let format: "json" | "text" = "json";
  const trace = new Set<"sip" | "xmpp">();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const [flag, inline] = a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined || v === "")
        throw new UsageError(`${flag} needs a value.\n\n${DAEMON_USAGE}`);
      return v;
    };
    if (flag === "--help" || flag === "-h") {
      io.out(DAEMON_USAGE);
      return 0;
    } else if (flag === "--config") configFile = value();
    else if (flag === "--log-level") {
      const v = value();
      if (!LEVELS.includes(v as LogLevel))
        throw new UsageError(`--log-level must be one of ${LEVELS.join(", ")}, not "${v}".`);
      level = v as LogLevel;
    } else if (flag === "--log-format") {
      const v = value();
      if (v !== "json" && v !== "text")
        throw new UsageError(`--log-format must be json or text, not "${v}".`);
      format = v;
    } else if (flag === "--trace") {
      for (const p of value().split(",")) {
        if (p !== "sip" && p !== "xmpp")
          throw new UsageError(`--trace takes sip, xmpp or sip,xmpp, not "${p}".`);
        trace.add(p);
      }
    } else throw new UsageError(`Unknown option "${a}".\n\n${DAEMON_USAGE}`);
  }
  if (issues.length > 0)
    throw new UsageError(issues.map((x) => `${x.path} ${x.message}`).join("\n"));
  if (configFile === undefined)
    throw new UsageError(`--config FILE is required.\n\n${DAEMON_USAGE}`);
  let config: ReturnType<typeof loadEndpointConfig>;
  try {
    config = loadEndpointConfig(configFile, { overrides });
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
  // Node reads extra CAs only at start-up; a configured CA means running under it.
  const ca = config.tls.caFile;
  if (ca !== undefined && process.env.NODE_EXTRA_CA_CERTS !== ca) {
    return await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, process.argv.slice(1), {
        stdio: "inherit",
        env: { ...process.env, NODE_EXTRA_CA_CERTS: ca },
      });
      for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
      child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
    });
  }
  const min = LEVELS.indexOf(level);
  const write = (entry: Record<string, string>) => {
    if (format === "json") io.err(JSON.stringify(entry));
    else {
      const { at, level: l, area, message, dir, ...rest } = entry;
      const head = `${at!.slice(11, 23)} ${l!.toUpperCase().padEnd(5)} ${area}${dir ? ` ${dir}` : ""}`;
      const extra = Object.entries(rest)
        .map(([k, v]) => ` ${k}=${v}`)
        .join("");
      io.err(`${head}: ${message!.replace(/\r?\n/g, "\n    ")}${extra}`);
    }
  };
  const log = (l: LogLevel, area: string, message: string) => {
    if (LEVELS.indexOf(l) >= min) write({ at: new Date().toISOString(), level: l, area, message });
  };
  const tracer = (protocol: "sip" | "xmpp", dir: "in" | "out", text: string) =>
    write({ at: new Date().toISOString(), level: "trace", area: protocol, dir, message: text });
  let daemon: Daemon;
  try {
    daemon = await Daemon.start({
      config,
      log,
      trace: {
        ...(trace.has("sip") ? { sip: tracer } : {}),
        ...(trace.has("xmpp") ? { xmpp: tracer } : {}),
      },
    });
  } catch (e) {
    io.err(`duet daemon: ${(e as Error).message}`);
    return 1;
  }
  io.out(JSON.stringify(daemon.ready));
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      log("info", "daemon", `${sig}: closing calls, unregistering, logging out`);
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await daemon.close();
  return 0;
}
