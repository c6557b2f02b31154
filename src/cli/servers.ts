// `duet servers start|stop|status`: the sandbox network of real servers on 127.0.0.1.
import { parseArgs } from "node:util";
import {
  knownSandboxes,
  SBC_MODES,
  type SbcMode,
  sandboxStatus,
  startSandbox,
  stopSandbox,
  XMPP_SERVERS,
  type XmppServerName,
} from "../sandbox/index.js";
import type { CliIo } from "./io.js";
import { UsageError } from "./io.js";

export const SERVERS_USAGE = `Usage:
  duet servers start [--dir DIR] [--sbc none|topoh|strip-call-info|strip-all] [--tls]
                     [--xmpp prosody|ejabberd] [--sip-port N] [--xmpp-port N]
  duet servers stop --dir DIR
  duet servers status [--dir DIR]

start   installs Prosody (or ejabberd) and Kamailio if missing, starts both on 127.0.0.1 with the accounts
        alice, bob, carol and mallory, and prints one JSON object (also DIR/servers.json).
stop    stops the sandbox's servers by pid and waits until they have exited.
status  tells whether each server runs and answers (without --dir: of every sandbox started
        on this machine and not stopped).`;

function port(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new UsageError(`${flag} must be a port number from 1 to 65535, not "${value}".`);
  }
  return n;
}

export async function serversCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") {
    io.out(SERVERS_USAGE);
    return sub === undefined ? 2 : 0;
  }
  let parsed: ReturnType<typeof parseServerArgs>;
  try {
    parsed = parseServerArgs(rest);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${SERVERS_USAGE}`);
  }
  const { values } = parsed;
  switch (sub) {
    case "start": {
      const sbc = (values.sbc ?? "none") as SbcMode;
      if (!SBC_MODES.includes(sbc)) {
        throw new UsageError(`--sbc must be one of ${SBC_MODES.join(", ")}, not "${values.sbc}".`);
      }
      const xmppServer = (values.xmpp ?? "prosody") as XmppServerName;
      if (!XMPP_SERVERS.includes(xmppServer)) {
        throw new UsageError(
          `--xmpp must be one of ${XMPP_SERVERS.join(", ")}, not "${values.xmpp}".`,
        );
      }
      const info = await startSandbox({
        dir: values.dir,
        sbc,
        xmppServer,
        tls: values.tls ?? false,
        sipPort: port("--sip-port", values["sip-port"]),
        xmppPort: port("--xmpp-port", values["xmpp-port"]),
        progress: (line) => io.err(`duet servers: ${line}`),
      });
      io.out(JSON.stringify(info, null, 2));
      return 0;
    }
    case "stop": {
      if (!values.dir)
        throw new UsageError("duet servers stop needs --dir DIR (the sandbox's folder).");
      const result = await stopSandbox(values.dir);
      io.out(JSON.stringify(result, null, 2));
      if (!result.portsFree) {
        io.err("duet servers: the servers exited but some of their ports are still held.");
        return 1;
      }
      return 0;
    }
    case "status": {
      if (values.dir) {
        const status = await sandboxStatus(values.dir);
        io.out(JSON.stringify(status, null, 2));
        return status.xmpp.answering && status.sip.answering ? 0 : 1;
      }
      // Without --dir: every sandbox started on this machine and not stopped.
      const all = await Promise.all(knownSandboxes().map((dir) => sandboxStatus(dir)));
      io.out(JSON.stringify(all, null, 2));
      if (all.length === 0) {
        io.err("duet servers: no sandbox is running (start one with `duet servers start`).");
      }
      return all.every((s) => s.xmpp.answering && s.sip.answering) ? 0 : 1;
    }
    default:
      throw new UsageError(`Unknown command "duet servers ${sub}".\n\n${SERVERS_USAGE}`);
  }
}

function parseServerArgs(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      dir: { type: "string" },
      sbc: { type: "string" },
      xmpp: { type: "string" },
      tls: { type: "boolean" },
      "sip-port": { type: "string" },
      "xmpp-port": { type: "string" },
    },
  });
}
