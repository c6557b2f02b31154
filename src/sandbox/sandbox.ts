// `duet servers`: a local network of real servers (Prosody and Kamailio) on 127.0.0.1 with the
// sandbox's accounts, for people trying Duet and for every integration test of the project.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
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
import { ejabberdCtlArgs, ejabberdHome, ejabberdIds, planEjabberd } from "./ejabberd.js";
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
import { planProsody, configFileOf as prosodyConfigFile } from "./prosody.js";
import { XMPP_SERVERS, type XmppServerName } from "./xmpp-server.js";

export { SBC_MODES, type SbcMode, XMPP_SERVERS, type XmppServerName };

export interface SandboxOptions {
  /** Where configs, data, logs and servers.json go; default: a new temp dir. */
  readonly dir?: string;
  readonly sbc?: SbcMode;
  readonly tls?: boolean;
  /** Which XMPP server to run; default prosody. */
  readonly xmppServer?: XmppServerName;
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
    /** Which server runs: prosody (default) or ejabberd. */
    readonly server: XmppServerName;
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
  /** Process (group) ids by server name: the XMPP server's ("prosody" or "ejabberd") and "kamailio". */
  readonly pids: Readonly<Record<string, number>>;
  /** Main log file by server name. */
  readonly logs: Readonly<Record<string, string>>;
  readonly startedAt: string;
}

/**
 * The per-account endpoint configuration written to DIR/accounts/NAME.json, in the canonical
 * schema of src/endpoint/config (what `duet daemon --config` loads). Both addresses are the
 * account's own, each given explicitly.
 */
export interface SandboxEndpointConfig {
  readonly name: AccountName;
  readonly xmpp: {
    readonly jid: string;
    readonly password: string;
    readonly service: string;
    readonly websocket: string;
    /** Plaintext only because the plain sandbox offers no TLS; the TLS sandbox requires it. */
    readonly tls: "none" | "required";
  };
  readonly sip: {
    readonly aor: string;
    readonly username: string;
    readonly password: string;
    readonly realm: string;
    readonly proxy: string;
    readonly websocket: string;
    /** RFC 5626 +sip.instance, fixed for this sandbox run. */
    readonly instanceId: string;
  };
  /** The sandbox's own CA (TLS mode only). */
  readonly tls?: { readonly caFile: string };
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
  /** Erlang distribution port (ejabberd only; loopback). */
  erlangDist: number;
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
  const free = await pickFreePorts(7, tls ? 0 : 1);
  const [a, b, c, d, e, f, g] = free as [number, number, number, number, number, number, number];
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
    erlangDist: g,
  };
}

/**
 * Writes the sandbox's self-signed certificate and key into `dir` (both domains, localhost and
 * 127.0.0.1 as names) and returns their paths.
 */
export function writeCertificate(dir: string): { cert: string; key: string } {
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

/**
 * Adds an XMPP account to a running sandbox's server, e.g. a fresh one for a test; returns its
 * bare JID.
 */
export function addXmppAccount(info: SandboxInfo, user: string, password: string): string {
  const ejabberd = info.xmpp.server === "ejabberd";
  const command = ejabberd ? "ejabberdctl" : "prosodyctl";
  const args = ejabberd
    ? [...ejabberdCtlArgs(info.dir), "register", user, XMPP_DOMAIN, password]
    : ["--config", prosodyConfigFile(info.dir), "register", user, XMPP_DOMAIN, password];
  try {
    const asEjabberd = ejabberd
      ? { ...ejabberdIds(), env: { ...process.env, HOME: ejabberdHome(info.dir) } }
      : {};
    execFileSync(command, args, { stdio: "pipe", ...asEjabberd });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    const out = `${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`.trim();
    throw new SandboxError(`${command} could not create ${user}@${XMPP_DOMAIN}: ${out}`);
  }
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
  const xmppServer = opts.xmppServer ?? "prosody";
  if (!XMPP_SERVERS.includes(xmppServer)) {
    throw new SandboxError(
      `Unknown XMPP server "${xmppServer}": use one of ${XMPP_SERVERS.join(", ")}.`,
    );
  }
  const progress = opts.progress ?? (() => {});
  ensurePackages({ tls, xmppServer }, progress);
  const moduleDir = kamailioModuleDir();
  if (moduleDir === null) throw new SandboxError("Kamailio's module directory was not found.");

  const root = process.env.DUET_SANDBOX_ROOT;
  const dir = resolve(
    opts.dir ?? mkdtempSync(join(root && existsSync(root) ? root : tmpdir(), "duet-sandbox-")),
  );
  mkdirSync(dir, { recursive: true });
  if (existsSync(join(dir, "servers.json"))) {
    const previous = readInfo(dir);
    if (previous && Object.values(previous.pids).some((pid) => livePidsInGroup(pid).length > 0)) {
      throw new SandboxError(
        `A sandbox is already running in ${dir} (pids ${Object.values(previous.pids).join(", ")}). ` +
          `Stop it first: duet servers stop --dir ${dir}`,
      );
    }
  }

  // Fixed ports fail at once; free ones are retried if another program took one meanwhile.
  const fixed = opts.sipPort !== undefined || opts.xmppPort !== undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dir, sbc, tls, xmppServer, moduleDir, opts, progress);
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
  xmppServer: XmppServerName,
  moduleDir: string,
  opts: SandboxOptions,
  progress: (line: string) => void,
): Promise<SandboxInfo> {
  const ports = await choosePorts(opts, tls);
  const kamailioDir = join(dir, "kamailio");
  const accountsDir = join(dir, "accounts");
  for (const d of [kamailioDir, join(kamailioDir, "run"), accountsDir]) {
    mkdirSync(d, { recursive: true });
  }
  const certs = tls ? writeCertificate(dir) : null;

  const xmppSetup = {
    dir,
    ports: { c2s: ports.c2s, http: ports.http, c2sDirectTls: ports.c2sTls, https: ports.https },
    tls: certs,
  };
  const xmpp =
    xmppServer === "ejabberd" ? planEjabberd(xmppSetup, ports.erlangDist) : planProsody(xmppSetup);
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
  const addAccounts = () =>
    Promise.all(
      SANDBOX_IDENTITIES.map((id) => xmpp.addAccount(id.xmppUser, XMPP_DOMAIN, id.password)),
    );
  if (xmpp.accountsWhileStopped) await addAccounts();

  const started: StartedProcess[] = [];
  try {
    progress(`starting ${xmpp.name} and kamailio…`);
    const xmppProc = startDetached(xmpp.command, xmpp.args, xmpp.stdoutLog, xmpp.cwd, xmpp.runAs);
    started.push(xmppProc);
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

    const name = xmpp.name;
    await waitUntil(name, xmppProc, () => probeXmppStream(ports.c2s), xmpp.logs);
    if (ports.c2sTls) {
      const port = ports.c2sTls;
      const probe = () => probeXmppStream(port, { directTls: true, ca });
      await waitUntil(`${name} (direct TLS)`, xmppProc, probe, xmpp.logs);
    }
    const probeXmppWs = () => probeWebSocket(xmppWs, "xmpp", ca);
    await waitUntil(`${name} (WebSocket)`, xmppProc, probeXmppWs, xmpp.logs);
    if (!xmpp.accountsWhileStopped) {
      progress(`creating the accounts in ${name}…`);
      await addAccounts();
    }
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
          tls: tls ? "required" : "none",
        },
        sip: {
          aor: aorOf(id),
          username: id.sipUser,
          password: id.password,
          realm: SIP_DOMAIN,
          proxy: proxyUri,
          websocket: sipWs,
          instanceId: `urn:uuid:${randomUUID()}`,
        },
        ...(caFile ? { tls: { caFile } } : {}),
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
        server: xmpp.name,
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
      pids: { [xmpp.name]: xmppProc.pid, kamailio: kamailio.pid },
      logs: { [xmpp.name]: xmpp.logs[0]!, kamailio: kamailioLog },
      startedAt: new Date().toISOString(),
    };
    const file = join(dir, "servers.json");
    writeFileSync(`${file}.tmp`, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    rememberSandbox(dir);
    return info;
  } catch (err) {
    await Promise.all(started.map((p) => stopGroup(p.pid, 2000)));
    if (xmpp.name === "ejabberd") rmSync(ejabberdHome(dir), { recursive: true, force: true });
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
  if (info.xmpp.server === "ejabberd") {
    // ejabberd's own folder lives outside the sandbox folder (see ejabberdHome).
    rmSync(ejabberdHome(info.dir), { recursive: true, force: true });
  }
  const ports = sandboxPorts(info);
  let portsFree = false;
  for (let i = 0; i < 40 && !portsFree; i++) {
    portsFree = (await Promise.all(ports.map((p) => isPortFree(p)))).every(Boolean);
    if (!portsFree) await sleep(50);
  }
  return { dir: info.dir, stopped, portsFree };
}

export interface ServerStatus {
  readonly server: string;
  readonly pid: number;
  readonly running: boolean;
  readonly answering: boolean;
}

export interface SandboxStatus {
  readonly dir: string;
  readonly sbc: SbcMode;
  readonly tls: boolean;
  readonly xmpp: ServerStatus;
  readonly sip: ServerStatus;
}

/** Whether each server's process is alive and answers a real protocol probe. */
export async function sandboxStatus(dir: string): Promise<SandboxStatus> {
  const info = infoOrThrow(resolve(dir));
  const ca = info.caFile ? readFileSync(info.caFile, "utf8") : undefined;
  const xmppPid = info.pids[info.xmpp.server]!;
  const sipPid = info.pids.kamailio!;
  const xmppRunning = isAlive(xmppPid);
  const sipRunning = isAlive(sipPid);
  return {
    dir: info.dir,
    sbc: info.sbc,
    tls: info.tls,
    xmpp: {
      server: info.xmpp.server,
      pid: xmppPid,
      running: xmppRunning,
      answering: xmppRunning && (await probeXmppStream(info.xmpp.tcpPort)),
    },
    sip: {
      server: "kamailio",
      pid: sipPid,
      running: sipRunning,
      answering:
        sipRunning &&
        (info.tls
          ? await probeSipTls(info.sip.tlsPort!, ca)
          : await probeSipUdp(info.sip.udpPort!)),
    },
  };
}
