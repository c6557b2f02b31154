// Prosody for the sandbox: config, data folder and accounts (prosodyctl writes them to its file
// storage, so they can be created before the server starts).
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { prosodyConfig } from "./prosody-config.js";
import type { XmppServerPlan, XmppServerSetup } from "./xmpp-server.js";

const run = promisify(execFile);

export function configFileOf(sandboxDir: string): string {
  return join(sandboxDir, "prosody", "prosody.cfg.lua");
}

export function planProsody(setup: XmppServerSetup): XmppServerPlan {
  const dir = join(setup.dir, "prosody");
  mkdirSync(join(dir, "data"), { recursive: true });
  const configFile = configFileOf(setup.dir);
  const logFile = join(dir, "prosody.log");
  writeFileSync(
    configFile,
    prosodyConfig({
      ports: setup.ports,
      dataDir: join(dir, "data"),
      pidFile: join(dir, "prosody.pid"),
      logFile,
      tls: setup.tls,
    }),
  );
  const stdoutLog = join(dir, "stdout.log");
  return {
    name: "prosody",
    command: "prosody",
    args: ["--config", configFile, "-F"],
    cwd: dir,
    stdoutLog,
    logs: [logFile, stdoutLog],
    accountsWhileStopped: true,
    addAccount: async (user, domain, password) => {
      try {
        await run("prosodyctl", ["--config", configFile, "register", user, domain, password]);
      } catch (err) {
        const out = (err as { stderr?: string }).stderr ?? String(err);
        throw new Error(`prosodyctl could not create ${user}@${domain}: ${out.trim()}`);
      }
    },
  };
}
