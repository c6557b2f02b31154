// `duet servers`: a local network of real servers (Prosody and Kamailio) on 127.0.0.1 with the
// sandbox's accounts, for people trying Duet and for every integration test of the project.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  type AccountName,
  aorOf,
  jidOf,
  SANDBOX_IDENTITIES,
  SIP_DOMAIN,
  XMPP_DOMAIN,
} from "./identities.js";
import { ensurePackages, kamailioModuleDir } from "./install.js";
import { kamailioConfig, kamailioTlsConfig, SBC_MODES, type SbcMode } from "./kamailio-config.js";
import { isPortFree, LOOPBACK, pickFreePorts } from "./ports.js";
import { probeSipTls, probeSipUdp, probeWebSocket, probeXmppStream } from "./probes.js";
import {
  isAlive,
  livePidsInGroup,
  type StartedProcess,
  startDetached,
  stopGroup,
  tailFile,
} from "./processes.js";
import { prosodyConfig } from "./prosody-config.js";

export { SBC_MODES, type SbcMode };

export interface SandboxOptions {
  /** Where configs, data, logs and servers.json go; default: a new temp dir. */
  readonly dir?: string;
  readonly sbc?: SbcMode;
  readonly tls?: boolean;
  /** Fixed ports instead of free ones (a clear error if one is taken). */
  readonly sipPort?: number;
  readonly xmppPort?: number;
  /** One line per step of long work (package installs, waiting for servers). */
  readonly progress?: (line: string) => void;
}

export interface SandboxAccount {
  readonly name: AccountName;
  /** Bare JID on the XMPP service. */
  readonly jid: string;
  /** SIP address-of-record on the SIP service. */
  readonly aor: string;
  /** Digest username on the SIP service (the AOR's user part). */
  readonly sipUser: string;
  readonly password: string;
  /** A ready endpoint configuration for this account (DIR/accounts/NAME.json). */
  readonly config: string;
}

/** Everything a client needs to reach the sandbox; also written to DIR/servers.json. */
export interface SandboxInfo {
  readonly version: 1;
  readonly dir: string;
  readonly sbc: SbcMode;
  readonly tls: boolean;
  readonly domains: { readonly xmpp: string; readonly sip: string };
  readonly xmpp: {
    readonly host: string;
    /** c2s port (STARTTLS required in TLS mode, plaintext otherwise). */
    readonly tcpPort: number;
    readonly tcpUrl: string;
    /** Direct TLS c2s port (TLS mode), else null. */
    readonly directTlsPort: number | null;
    readonly websocketUrl: string;
  };
  readonly sip: {
    readonly host: string;
    readonly udpPort: number | null;
    readonly tcpPort: number | null;
    readonly tlsPort: number | null;
    readonly websocketUrl: string;
    /** The outbound proxy / registrar as a SIP URI with its transport. */
    readonly proxyUri: string;
  };
  /** PEM file of the self-signed CA the servers use in TLS mode; trust it to connect. */
  readonly caFile: string | null;
  readonly accounts: Readonly<Record<AccountName, SandboxAccount>>;
  readonly pids: { readonly prosody: number; readonly kamailio: number };
  readonly logs: { readonly prosody: string; readonly kamailio: string };
  readonly startedAt: string;
}

/** The per-account endpoint configuration written to DIR/accounts/NAME.json. */
export interface SandboxEndpointConfig {
  readonly name: AccountName;
  readonly xmpp: {
    readonly jid: string;
    readonly password: string;
    readonly service: string;
    readonly websocket: string;
    readonly domain: string;
    readonly tls: "none" | "starttls";
  };
  readonly sip: {
    readonly aor: string;
    readonly username: string;
    readonly password: string;
    readonly realm: string;
    readonly proxy: string;
    readonly websocket: string;
  };
  readonly caFile: string | null;
}

export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxError";
  }
}

const START_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ports {
  sip: number | null;
  sipWs: number | null;
  sipTls: number | null;
  sipWss: number | null;
  c2s: number;
  c2sTls: number | null;
  http: number;
  https: number | null;
}

async function choosePorts(opts: SandboxOptions, tls: boolean): Promise<Ports> {
  for (const [flag, port, udp] of [
    ["--sip-port", opts.sipPort, !tls],
    ["--xmpp-port", opts.xmppPort, false],
  ] as const) {
    if (port !== undefined && !(await isPortFree(port, udp))) {
      throw new SandboxError(
        `Port ${port} on ${LOOPBACK} is in use${udp ? " (TCP or UDP)" : ""}. ` +
          `Stop what holds it (\`ss -lntup | grep :${port}\` shows it), pass another ${flag}, ` +
          `or leave ${flag} out to pick free ports.`,
      );
    }
  }
  const free = await pickFreePorts(6, tls ? 0 : 1);
  const [a, b, c, d, e, f] = free as [number, number, number, number, number, number];
  const sipMain = opts.sipPort ?? a;
  return {
    sip: tls ? null : sipMain,
    sipWs: tls ? null : b,
    sipTls: tls ? sipMain : null,
    sipWss: tls ? b : null,
    c2s: opts.xmppPort ?? c,
    c2sTls: tls ? d : null,
    http: e,
    https: tls ? f : null,
  };
}

function writeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, "sandbox.crt");
  const key = join(dir, "sandbox.key");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha256",
      "-days",
      "30",
      "-keyout",
      key,
      "-out",
      cert,
      "-subj",
      `/CN=${XMPP_DOMAIN}`,
      "-addext",
      `subjectAltName=DNS:${XMPP_DOMAIN},DNS:${SIP_DOMAIN},DNS:localhost,IP:${LOOPBACK}`,
    ],
    { stdio: "pipe" },
  );
  return { cert, key };
}

function registerXmppAccounts(configFile: string): void {
  for (const id of SANDBOX_IDENTITIES) {
    try {
      execFileSync(
        "prosodyctl",
        ["--config", configFile, "register", id.xmppUser, XMPP_DOMAIN, id.password],
        { stdio: "pipe" },
      );
    } catch (err) {
      const out = (err as { stderr?: Buffer; stdout?: Buffer }).stderr?.toString() ?? "";
      throw new SandboxError(`prosodyctl could not create ${jidOf(id)}: ${out.trim()}`);
    }
  }
}

/** Adds an XMPP account to a sandbox's Prosody (running or not), e.g. a fresh one for a test. */
export function addXmppAccount(info: SandboxInfo, user: string, password: string): string {
  const configFile = join(info.dir, "prosody", "prosody.cfg.lua");
  execFileSync("prosodyctl", ["--config", configFile, "register", user, XMPP_DOMAIN, password], {
    stdio: "pipe",
  });
  return `${user}@${XMPP_DOMAIN}`;
}

function lastLogLines(files: readonly string[]): string {
  return files.map((f) => `--- ${f}\n${tailFile(f)}`).join("\n");
}

async function waitUntil(
  what: string,
  proc: StartedProcess,
  probe: () => Promise<boolean>,
  logs: readonly string[] = [proc.logFile],
): Promise<void> {
  type Exit = { code: number | null; signal: NodeJS.Signals | null };
  let exited: Exit | null = null;
  proc.exited.then((e) => {
    exited = e;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== null || !isAlive(proc.pid)) {
      // The exit event may trail what /proc shows by a moment; wait for it to name the status.
      const e: Exit | null =
        exited ?? (await Promise.race([proc.exited, sleep(500).then(() => null)]));
      const how = e ? (e.signal ? ` (signal ${e.signal})` : ` (exit code ${e.code})`) : "";
      throw new SandboxError(
        `${what} exited at start${how}. Last lines of its log:\n${lastLogLines(logs)}`,
      );
    }
    if (await probe()) return;
    await sleep(50);
  }
  throw new SandboxError(
    `${what} did not answer within ${START_TIMEOUT_MS / 1000} s. Last lines of its log:\n${lastLogLines(logs)}`,
  );
}

function addressInUse(err: unknown): boolean {
  return (
    err instanceof SandboxError &&
    /address already in use|EADDRINUSE|bind.*failed/i.test(err.message)
  );
}

/**
 * Starts Prosody and Kamailio for one sandbox and returns where they are. On any failure every
 * process started so far is stopped again, so a failed start leaves nothing behind.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<SandboxInfo> {
  const sbc = opts.sbc ?? "none";
  if (!SBC_MODES.includes(sbc)) {
    throw new SandboxError(`Unknown --sbc mode "${sbc}": use one of ${SBC_MODES.join(", ")}.`);
  }
  const tls = opts.tls ?? false;
  const progress = opts.progress ?? (() => {});
  ensurePackages(tls, progress);
  const moduleDir = kamailioModuleDir();
  if (moduleDir === null) throw new SandboxError("Kamailio's module directory was not found.");

  const root = process.env.DUET_SANDBOX_ROOT;
  const dir = resolve(
    opts.dir ?? mkdtempSync(join(root && existsSync(root) ? root : tmpdir(), "duet-sandbox-")),
  );
  mkdirSync(dir, { recursive: true });
  if (existsSync(join(dir, "servers.json"))) {
    const previous = readInfo(dir);
    if (
      previous &&
      livePidsInGroup(previous.pids.prosody).length +
        livePidsInGroup(previous.pids.kamailio).length >
        0
    ) {
      throw new SandboxError(
        `A sandbox is already running in ${dir} (pids ${previous.pids.prosody}, ${previous.pids.kamailio}). ` +
          `Stop it first: duet servers stop --dir ${dir}`,
      );
    }
  }

  // Fixed ports fail at once; free ones are retried if another program took one meanwhile.
  const fixed = opts.sipPort !== undefined || opts.xmppPort !== undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dir, sbc, tls, moduleDir, opts, progress);
    } catch (err) {
      if (fixed || attempt >= 3 || !addressInUse(err)) throw err;
      progress(`a port was taken meanwhile; retrying with other ports (attempt ${attempt + 1})`);
    }
  }
}

async function startOnce(
  dir: string,
  sbc: SbcMode,
  tls: boolean,
  moduleDir: string,
  opts: SandboxOptions,
  progress: (line: string) => void,
): Promise<SandboxInfo> {
  const ports = await choosePorts(opts, tls);
  const prosodyDir = join(dir, "prosody");
  const kamailioDir = join(dir, "kamailio");
  const accountsDir = join(dir, "accounts");
  for (const d of [
    prosodyDir,
    join(prosodyDir, "data"),
    kamailioDir,
    join(kamailioDir, "run"),
    accountsDir,
  ]) {
    mkdirSync(d, { recursive: true });
  }
  const certs = tls ? writeCertificate(dir) : null;

  const prosodyCfg = join(prosodyDir, "prosody.cfg.lua");
  const prosodyLog = join(prosodyDir, "prosody.log");
  writeFileSync(
    prosodyCfg,
    prosodyConfig({
      ports: { c2s: ports.c2s, http: ports.http, c2sDirectTls: ports.c2sTls, https: ports.https },
      dataDir: join(prosodyDir, "data"),
      pidFile: join(prosodyDir, "prosody.pid"),
      logFile: prosodyLog,
      tls: certs,
    }),
  );
  const kamailioCfg = join(kamailioDir, "kamailio.cfg");
  const kamailioLog = join(kamailioDir, "kamailio.log");
  let tlsConfigFile: string | null = null;
  if (certs) {
    tlsConfigFile = join(kamailioDir, "tls.cfg");
    writeFileSync(tlsConfigFile, kamailioTlsConfig(certs.cert, certs.key));
  }
  writeFileSync(
    kamailioCfg,
    kamailioConfig({
      moduleDir,
      ports: { sip: ports.sip, ws: ports.sipWs, tls: ports.sipTls, wss: ports.sipWss },
      sbc,
      tlsConfigFile,
      maskKey: randomBytes(12).toString("hex"),
    }),
  );
  registerXmppAccounts(prosodyCfg);

  const started: StartedProcess[] = [];
  try {
    progress("starting prosody and kamailio…");
    const prosody = startDetached(
      "prosody",
      ["--config", prosodyCfg, "-F"],
      join(prosodyDir, "stdout.log"),
      prosodyDir,
    );
    started.push(prosody);
    const kamailio = startDetached(
      "kamailio",
      [
        "-f",
        kamailioCfg,
        "-P",
        join(kamailioDir, "kamailio.pid"),
        "-Y",
        join(kamailioDir, "run"),
        "-DD",
        "-E",
        "-m",
        "64",
        "-M",
        "8",
      ],
      kamailioLog,
      kamailioDir,
    );
    started.push(kamailio);
    const ca = certs ? readFileSync(certs.cert, "utf8") : undefined;
    const xmppWs = tls
      ? `wss://${LOOPBACK}:${ports.https}/xmpp-websocket`
      : `ws://${LOOPBACK}:${ports.http}/xmpp-websocket`;
    const sipWs = tls ? `wss://${LOOPBACK}:${ports.sipWss}` : `ws://${LOOPBACK}:${ports.sipWs}`;

    const prosodyLogs = [prosodyLog, prosody.logFile];
    await waitUntil("prosody", prosody, () => probeXmppStream(ports.c2s), prosodyLogs);
    if (ports.c2sTls) {
      const port = ports.c2sTls;
      const probe = () => probeXmppStream(port, { directTls: true, ca });
      await waitUntil("prosody (direct TLS)", prosody, probe, prosodyLogs);
    }
    const probeXmppWs = () => probeWebSocket(xmppWs, "xmpp", ca);
    await waitUntil("prosody (WebSocket)", prosody, probeXmppWs, prosodyLogs);
    await waitUntil("kamailio", kamailio, () =>
      tls ? probeSipTls(ports.sipTls!, ca) : probeSipUdp(ports.sip!),
    );
    await waitUntil("kamailio (WebSocket)", kamailio, () => probeWebSocket(sipWs, "sip", ca));

    const accounts = {} as Record<AccountName, SandboxAccount>;
    const proxyUri = tls
      ? `sip:${LOOPBACK}:${ports.sipTls};transport=tls`
      : `sip:${LOOPBACK}:${ports.sip};transport=udp`;
    const caFile = certs?.cert ?? null;
    for (const id of SANDBOX_IDENTITIES) {
      const configFile = join(accountsDir, `${id.name}.json`);
      const config: SandboxEndpointConfig = {
        name: id.name,
        xmpp: {
          jid: jidOf(id),
          password: id.password,
          service: `xmpp://${LOOPBACK}:${ports.c2s}`,
          websocket: xmppWs,
          domain: XMPP_DOMAIN,
          tls: tls ? "starttls" : "none",
        },
        sip: {
          aor: aorOf(id),
          username: id.sipUser,
          password: id.password,
          realm: SIP_DOMAIN,
          proxy: proxyUri,
          websocket: sipWs,
        },
        caFile,
      };
      writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
      accounts[id.name] = {
        name: id.name,
        jid: jidOf(id),
        aor: aorOf(id),
        sipUser: id.sipUser,
        password: id.password,
        config: configFile,
      };
    }
    const info: SandboxInfo = {
      version: 1,
      dir,
      sbc,
      tls,
      domains: { xmpp: XMPP_DOMAIN, sip: SIP_DOMAIN },
      xmpp: {
        host: LOOPBACK,
        tcpPort: ports.c2s,
        tcpUrl: `xmpp://${LOOPBACK}:${ports.c2s}`,
        directTlsPort: ports.c2sTls,
        websocketUrl: xmppWs,
      },
      sip: {
        host: LOOPBACK,
        udpPort: ports.sip,
        tcpPort: ports.sip,
        tlsPort: ports.sipTls,
        websocketUrl: sipWs,
        proxyUri,
      },
      caFile,
      accounts,
      pids: { prosody: prosody.pid, kamailio: kamailio.pid },
      logs: { prosody: prosodyLog, kamailio: kamailioLog },
      startedAt: new Date().toISOString(),
    };
    const file = join(dir, "servers.json");
    writeFileSync(`${file}.tmp`, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    rememberSandbox(dir);
    return info;
  } catch (err) {
    await Promise.all(started.map((p) => stopGroup(p.pid, 2000)));
    throw err;
  }
}

export function readInfo(dir: string): SandboxInfo | null {
  try {
    return JSON.parse(readFileSync(join(dir, "servers.json"), "utf8")) as SandboxInfo;
  } catch {
    return null;
  }
}

function infoOrThrow(dir: string): SandboxInfo {
  const info = readInfo(dir);
  if (!info) {
    throw new SandboxError(
      `No sandbox in ${dir}: ${join(dir, "servers.json")} is missing or unreadable. ` +
        "Start one with: duet servers start --dir DIR",
    );
  }
  return info;
}

export function sandboxPorts(info: SandboxInfo): number[] {
  const urlPort = (u: string) => Number(new URL(u).port);
  return [
    info.xmpp.tcpPort,
    info.xmpp.directTlsPort,
    urlPort(info.xmpp.websocketUrl),
    info.sip.udpPort,
    info.sip.tlsPort,
    urlPort(info.sip.websocketUrl),
  ].filter((p): p is number => typeof p === "number");
}

// Started sandboxes are remembered (one small file each, so concurrent runs never write the
// same file) for `duet servers status` without --dir.
const registryDir = () => join(tmpdir(), "duet-sandboxes");
const registryEntry = (dir: string) =>
  join(registryDir(), createHash("sha256").update(dir).digest("hex").slice(0, 16));

function rememberSandbox(dir: string): void {
  mkdirSync(registryDir(), { recursive: true });
  writeFileSync(registryEntry(dir), dir);
}

function forgetSandbox(dir: string): void {
  rmSync(registryEntry(dir), { force: true });
}

/** Folders of the sandboxes started on this machine that have not been stopped. */
export function knownSandboxes(): string[] {
  let entries: string[] = [];
  try {
    entries = readdirSync(registryDir());
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const entry of entries) {
    const file = join(registryDir(), entry);
    const dir = readFileSync(file, "utf8");
    if (readInfo(dir)) dirs.push(dir);
    else rmSync(file, { force: true });
  }
  return dirs.sort();
}

export interface StopResult {
  readonly dir: string;
  readonly stopped: { readonly server: string; readonly pid: number; readonly killed: boolean }[];
  readonly portsFree: boolean;
}

/** Stops a sandbox's servers by pid, waits until they have exited and their ports are free. */
export async function stopSandbox(dir: string): Promise<StopResult> {
  const info = infoOrThrow(resolve(dir));
  const stopped = await Promise.all(
    Object.entries(info.pids).map(async ([server, pid]) => ({
      server,
      pid,
      killed: await stopGroup(pid),
    })),
  );
  forgetSandbox(info.dir);
  const ports = sandboxPorts(info);
  let portsFree = false;
  for (let i = 0; i < 40 && !portsFree; i++) {
    portsFree = (await Promise.all(ports.map((p) => isPortFree(p)))).every(Boolean);
    if (!portsFree) await sleep(50);
  }
  return { dir: info.dir, stopped, portsFree };
}

export interface ServerStatus {
  readonly pid: number;
  readonly running: boolean;
  readonly answering: boolean;
}

export interface SandboxStatus {
  readonly dir: string;
  readonly sbc: SbcMode;
  readonly tls: boolean;
  readonly prosody: ServerStatus;
  readonly kamailio: ServerStatus;
}

/** Whether each server's process is alive and answers a real protocol probe. */
export async function sandboxStatus(dir: string): Promise<SandboxStatus> {
  const info = infoOrThrow(resolve(dir));
  const ca = info.caFile ? readFileSync(info.caFile, "utf8") : undefined;
  const prosodyRunning = isAlive(info.pids.prosody);
  const kamailioRunning = isAlive(info.pids.kamailio);
  return {
    dir: info.dir,
    sbc: info.sbc,
    tls: info.tls,
    prosody: {
      pid: info.pids.prosody,
      running: prosodyRunning,
      answering: prosodyRunning && (await probeXmppStream(info.xmpp.tcpPort)),
    },
    kamailio: {
      pid: info.pids.kamailio,
      running: kamailioRunning,
      answering:
        kamailioRunning &&
        (info.tls
          ? await probeSipTls(info.sip.tlsPort!, ca)
          : await probeSipUdp(info.sip.udpPort!)),
    },
  };
}
