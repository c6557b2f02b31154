// Makes sure the Debian packages the sandbox runs are installed: installs the missing ones as
// root, and otherwise says exactly which command to run.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, writeFileSync } from "node:fs";

export class MissingPackagesError extends Error {
  constructor(
    readonly packages: readonly string[],
    readonly command: string,
  ) {
    super(
      `Missing Debian packages: ${packages.join(" ")}. Install them as root with:\n  ${command}`,
    );
    this.name = "MissingPackagesError";
  }
}

/** Directory holding Kamailio's modules (Debian puts them under the multiarch triplet). */
export function kamailioModuleDir(): string | null {
  for (const base of ["/usr/lib", "/usr/lib64", "/usr/local/lib"]) {
    const direct = `${base}/kamailio/modules`;
    if (existsSync(`${direct}/tm.so`)) return direct;
    let entries: string[] = [];
    try {
      entries = readdirSync(base);
    } catch {
      continue;
    }
    for (const e of entries) {
      const dir = `${base}/${e}/kamailio/modules`;
      if (existsSync(`${dir}/tm.so`)) return dir;
    }
  }
  return null;
}

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

export interface PackageNeeds {
  readonly tls: boolean;
  readonly xmppServer: "prosody" | "ejabberd";
}

/** The Debian packages the sandbox needs that are not installed. */
export function missingPackages({ tls, xmppServer }: PackageNeeds): string[] {
  const missing: string[] = [];
  if (xmppServer === "prosody" && (!onPath("prosody") || !onPath("prosodyctl"))) {
    missing.push("prosody");
  }
  if (xmppServer === "ejabberd" && !onPath("ejabberdctl")) missing.push("ejabberd");
  const modules = kamailioModuleDir();
  if (!onPath("kamailio") || modules === null) missing.push("kamailio");
  if (modules === null || !existsSync(`${modules}/websocket.so`)) {
    missing.push("kamailio-websocket-modules");
  }
  if (tls && (modules === null || !existsSync(`${modules}/tls.so`))) {
    missing.push("kamailio-tls-modules");
  }
  if (tls && !onPath("openssl")) missing.push("openssl");
  return missing;
}

/** What ensurePackages asks of the machine; replaceable in unit tests. */
export interface PackageProbe {
  missing(needs: PackageNeeds): string[];
  isRoot(): boolean;
}

const machine: PackageProbe = {
  missing: missingPackages,
  isRoot: () => typeof process.getuid !== "function" || process.getuid() === 0,
};

/**
 * Installs what is missing when running as root; throws MissingPackagesError (with the exact
 * command) otherwise. `progress` receives one line per step, since apt-get takes a while.
 */
export function ensurePackages(
  needs: PackageNeeds,
  progress: (line: string) => void,
  probe: PackageProbe = machine,
): void {
  const missing = probe.missing(needs);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (!probe.isRoot()) {
    throw new MissingPackagesError(missing, `sudo sh -c '${command}'`);
  }
  // Without this, a package's scripts would start the distribution's own prosody and kamailio
  // on 0.0.0.0 and the standard ports (invoke-rc.d asks policy-rc.d first).
  if (!existsSync("/usr/sbin/policy-rc.d")) {
    writeFileSync("/usr/sbin/policy-rc.d", "#!/bin/sh\nexit 101\n");
    chmodSync("/usr/sbin/policy-rc.d", 0o755);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  progress(`installing ${missing.join(", ")} (apt-get update)…`);
  try {
    execFileSync("apt-get", ["update", "-o", "DPkg::Lock::Timeout=300"], { env, stdio: "pipe" });
    progress(`installing ${missing.join(", ")} (apt-get install)…`);
    execFileSync(
      "apt-get",
      [
        "install",
        "-y",
        "--no-install-recommends",
        "-o",
        "DPkg::Lock::Timeout=300",
        "lua-unbound",
        ...missing,
      ],
      { env, stdio: "pipe" },
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim().split("\n").slice(-5);
    throw new MissingPackagesError(
      missing,
      `${command}\napt-get failed:\n${stderr?.join("\n") ?? String(err)}`,
    );
  }
  const still = probe.missing(needs);
  if (still.length > 0) throw new MissingPackagesError(still, command);
  progress("packages installed");
}
