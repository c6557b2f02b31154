// The `duet` command line: dispatches to one module per command.
import { readFileSync } from "node:fs";
import { initCommand } from "./init.js";
import { type CliIo, processIo, UsageError } from "./io.js";
import { serversCommand } from "./servers.js";

const USAGE = `Usage: duet <command> [options]

Commands:
  servers start|stop|status   a local sandbox of real servers (Prosody, Kamailio)
  daemon                      run one endpoint (SIP + XMPP) with its API
  demo                        the use cases end to end on a local sandbox, with a report
  init                        write a config for your real XMPP and SIP accounts
  doctor                      check a config against the real servers, with the fix for each problem
  tui                         the full-screen terminal client of a running daemon
  help                        this text
  version                     the installed version

Run \`duet <command> --help\` for a command's options.`;

function version(): string {
  const pkg = JSON.parse(
    readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
  ) as { version: string };
  return pkg.version;
}

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "servers":
        return await serversCommand(rest, io);
      case "init":
        return await initCommand(rest, io);
      case "daemon":
        return await (await import("./daemon.js")).daemonCommand(rest, io);
      case "demo":
        return await (await import("./demo.js")).demoCommand(rest, io);
      case "doctor":
        return await (await import("./doctor.js")).doctorCommand(rest, io);
      case "tui":
        // Loaded on demand: Ink and React are needed by this command only.
        return await (await import("./tui.js")).tuiCommand(rest, io);
      case "version":
      case "--version":
        io.out(version());
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`duet: ${err.message}`);
      return 2;
    }
    const e = err as Error;
    io.err(`duet: ${e.name === "Error" ? "" : `${e.name}: `}${e.message}`);
    return 1;
  }
}
