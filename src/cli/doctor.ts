// `duet doctor --config FILE`: checks, one by one, what users get wrong when they point Duet at
// their own servers, and says for each failure what to change. DNS (RFC 6120 §3.2.1 SRV for
// XMPP clients, RFC 3263 §4.1 SRV for SIP), reachability of the XMPP service and the SIP proxy,
// TLS certificates where TLS is used, XMPP login, SIP registration, GRUU (RFC 5627), and whether
// Call-Info and Session-ID (RFC 7989) survive the SIP path, found by sending an OPTIONS to our
// own GRUU through the proxy and reading what arrives.

import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { promises as dns } from "node:dns";
import { readFileSync } from "node:fs";
import { isIP, type Socket, connect as tcpConnect } from "node:net";
import { type ConnectionOptions, type PeerCertificate, connect as tlsConnect } from "node:tls";
import { parseArgs } from "node:util";
import { systemClock } from "../common/clock.js";
import { ConfigError, type EndpointConfig, loadEndpointConfig } from "../endpoint/config/index.js";
import { formatUri } from "../sip/message/index.js";
import { locate, NodeTransportLayer } from "../sip/transport/index.js";
import {
  Registration,
  RegistrationError,
  type RegistrationState,
  UserAgent,
} from "../sip/ua/index.js";
import { XmppConnection, XmppConnectionError } from "../xmpp/index.js";
import { type CliIo, UsageError } from "./io.js";

export const DOCTOR_USAGE = `Usage: duet doctor --config FILE [--timeout MS] [--json]

Checks the configuration against the real servers and prints each result with the fix:
DNS (SRV records of both domains), reachability of the XMPP service and the SIP proxy, TLS
certificates, XMPP login, SIP registration, GRUU support, and whether Call-Info and Session-ID
survive the SIP path (by sending an OPTIONS to its own GRUU through the proxy). It registers
a contact of its own for a moment and removes it again; a running daemon is not disturbed.

  --config FILE   the endpoint's configuration (as for duet daemon)
  --timeout MS    how long to wait for each answer (default 5000)
  --json          print the results as one JSON array instead of text`;

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface DoctorCheck {
  /** Stable id, e.g. `xmpp-login`, `call-info`. */
  readonly name: string;
  readonly status: CheckStatus;
  /** What was found, in words. */
  readonly message: string;
  /** What to change, when something is wrong. */
  readonly fix?: string;
}

const MARK: Record<CheckStatus, string> = { ok: "✓", warn: "!", fail: "✗", skip: "-" };

interface Ctx {
  readonly config: EndpointConfig;
  readonly timeoutMs: number;
  readonly ca: Buffer | undefined;
  readonly add: (c: DoctorCheck) => void;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = systemClock.setTimeout(
      () => reject(new Error(`no answer within ${ms} ms (${what})`)),
      ms,
    );
    p.then(
      (v) => {
        systemClock.clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        systemClock.clearTimeout(timer);
        reject(e);
      },
    );
  });
}

const errCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

// ---- DNS ----------------------------------------------------------------------------------

async function srv(name: string, ms: number): Promise<string | null> {
  try {
    const records = await withTimeout(dns.resolveSrv(name), ms, `SRV ${name}`);
    if (records.length === 0) return null;
    return records
      .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
      .map((r) => `${r.name}:${r.port}`)
      .join(", ");
  } catch {
    return null;
  }
}

async function checkDns(ctx: Ctx): Promise<void> {
  const { config } = ctx;
  const xmppDomain = config.xmpp.jid.split("@")[1]!;
  const xmppHost = config.xmpp.service.host;
  if (isIP(xmppHost)) {
    ctx.add({
      name: "dns-xmpp",
      status: "skip",
      message: `xmpp.service names the address ${xmppHost}: no DNS needed (SRV _xmpp-client._tcp.${xmppDomain} not looked up)`,
    });
  } else {
    const found = await srv(`_xmpp-client._tcp.${xmppDomain}`, ctx.timeoutMs);
    const host = await withTimeout(
      dns.lookup(xmppHost),
      ctx.timeoutMs,
      `address of ${xmppHost}`,
    ).then(
      (a) => a.address,
      (e) => errCode(e),
    );
    if (!isIP(host)) {
      ctx.add({
        name: "dns-xmpp",
        status: "fail",
        message: `the host ${xmppHost} of xmpp.service does not resolve (${host})`,
        fix: `check the host name in xmpp.service${found ? `; the domain's SRV record points at ${found}` : ""}`,
      });
    } else if (found) {
      ctx.add({
        name: "dns-xmpp",
        status: "ok",
        message: `${xmppHost} is ${host}; SRV _xmpp-client._tcp.${xmppDomain} → ${found}`,
      });
    } else {
      ctx.add({
        name: "dns-xmpp",
        status: "warn",
        message: `${xmppHost} is ${host}, but ${xmppDomain} has no _xmpp-client._tcp SRV record`,
        fix: `Duet connects to xmpp.service as given; other clients need the SRV record (RFC 6120 §3.2.1): publish _xmpp-client._tcp.${xmppDomain}`,
      });
    }
  }
  const sipDomain = config.sip.aor.host;
  const proxyHost = config.sip.proxy.host;
  if (isIP(proxyHost)) {
    ctx.add({
      name: "dns-sip",
      status: "skip",
      message: `sip.proxy names the address ${proxyHost}: no DNS needed (SRV _sip._udp, _sip._tcp, _sips._tcp of ${sipDomain} not looked up)`,
    });
    return;
  }
  const records = await Promise.all(
    ["_sip._udp", "_sip._tcp", "_sips._tcp"].map(
      async (p) => [p, await srv(`${p}.${sipDomain}`, ctx.timeoutMs)] as const,
    ),
  );
  const host = await withTimeout(
    dns.lookup(proxyHost),
    ctx.timeoutMs,
    `address of ${proxyHost}`,
  ).then(
    (a) => a.address,
    (e) => errCode(e),
  );
  const listed = records.filter(([, r]) => r !== null).map(([p, r]) => `${p} → ${r}`);
  if (!isIP(host)) {
    ctx.add({
      name: "dns-sip",
      status: "fail",
      message: `the host ${proxyHost} of sip.proxy does not resolve (${host})`,
      fix: "check the host name in sip.proxy",
    });
  } else if (listed.length > 0) {
    ctx.add({
      name: "dns-sip",
      status: "ok",
      message: `${proxyHost} is ${host}; ${sipDomain}: ${listed.join("; ")}`,
    });
  } else {
    ctx.add({
      name: "dns-sip",
      status: "warn",
      message: `${proxyHost} is ${host}, but ${sipDomain} has no _sip._udp, _sip._tcp or _sips._tcp SRV record`,
      fix: `calls from other domains find your proxy through these records (RFC 3263 §4.1): publish them for ${sipDomain}`,
    });
  }
}

// ---- reachability and TLS -----------------------------------------------------------------

function openTcp(host: string, port: number, ms: number): Promise<Socket> {
  return withTimeout(
    new Promise<Socket>((resolve, reject) => {
      const s = tcpConnect({ host, port });
      s.once("connect", () => resolve(s));
      s.once("error", (e) => {
        s.destroy();
        reject(e);
      });
    }),
    ms,
    `TCP to ${host}:${port}`,
  );
}

/** RFC 6120 §5.4.2: the stream header, the features, <starttls/>, and <proceed/>. */
async function startTls(socket: Socket, domain: string, ms: number): Promise<void> {
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      let buf = "";
      let asked = false;
      const onData = (d: Buffer) => {
        buf += d.toString("utf8");
        if (!asked && buf.includes("</stream:features>")) {
          if (!buf.includes("urn:ietf:params:xml:ns:xmpp-tls")) {
            socket.off("data", onData);
            reject(new Error("the server offers no STARTTLS"));
            return;
          }
          asked = true;
          buf = "";
          socket.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        } else if (asked && buf.includes("<proceed")) {
          socket.off("data", onData);
          resolve();
        } else if (asked && buf.includes("<failure")) {
          socket.off("data", onData);
          reject(new Error("the server refused STARTTLS"));
        }
      };
      socket.on("data", onData);
      socket.once("close", () => reject(new Error("the server closed the connection")));
      socket.write(
        `<?xml version='1.0'?><stream:stream to='${domain}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`,
      );
    }),
    ms,
    "STARTTLS",
  );
}

interface TlsResult {
  readonly authorized: boolean;
  readonly error?: string;
  readonly cert: PeerCertificate;
}

function handshake(
  opts: { host: string; port: number; socket?: Socket },
  servername: string,
  ca: Buffer | undefined,
  ms: number,
): Promise<TlsResult> {
  return withTimeout(
    new Promise<TlsResult>((resolve, reject) => {
      const options: ConnectionOptions = {
        ...(opts.socket ? { socket: opts.socket } : { host: opts.host, port: opts.port }),
        ...(isIP(servername) ? {} : { servername }),
        // Judged below, so that the report can say what is wrong with the certificate.
        rejectUnauthorized: false,
        ...(ca ? { ca } : {}),
      };
      const s = tlsConnect(options);
      s.once("secureConnect", () => {
        const cert = s.getPeerCertificate();
        const error = s.authorizationError ? String(s.authorizationError) : undefined;
        s.destroy();
        resolve({ authorized: s.authorized, ...(error ? { error } : {}), cert });
      });
      s.once("error", (e) => {
        s.destroy();
        reject(e);
      });
    }),
    ms,
    `TLS handshake with ${opts.host}:${opts.port}`,
  );
}

function tlsFix(error: string, domain: string): string {
  if (/SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|unable to verify/i.test(error))
    return "the certificate is not signed by a CA this machine trusts: set tls.caFile to the CA's PEM file, or install a certificate from a public CA on the server";
  if (/EXPIRED/i.test(error)) return "the certificate has expired: renew it on the server";
  if (/ALTNAME|Hostname|host name/i.test(error))
    return `the certificate is not for ${domain}: the server needs a certificate naming ${domain}`;
  return "fix the server's certificate";
}

function reportTls(ctx: Ctx, name: string, where: string, domain: string, r: TlsResult): void {
  const subject = r.cert.subjectaltname ?? r.cert.subject?.CN ?? "?";
  const until = r.cert.valid_to ? new Date(r.cert.valid_to) : undefined;
  if (!r.authorized) {
    ctx.add({
      name,
      status: "fail",
      message: `${where}: the certificate (${subject}) is not accepted: ${r.error}`,
      fix: tlsFix(r.error ?? "", domain),
    });
    return;
  }
  const days = until ? Math.floor((until.getTime() - Date.now()) / 86_400_000) : undefined;
  if (days !== undefined && days < 14) {
    ctx.add({
      name,
      status: "warn",
      message: `${where}: the certificate (${subject}) expires in ${days} days`,
      fix: "renew the server's certificate soon",
    });
    return;
  }
  ctx.add({
    name,
    status: "ok",
    message: `${where}: the certificate (${subject}) is valid for ${domain}${until ? ` until ${until.toISOString().slice(0, 10)}` : ""}`,
  });
}

async function checkXmppReachable(ctx: Ctx): Promise<boolean> {
  const { host, port, scheme } = ctx.config.xmpp.service;
  const domain = ctx.config.xmpp.jid.split("@")[1]!;
  const started = Date.now();
  let socket: Socket;
  try {
    socket = await openTcp(host, port, ctx.timeoutMs);
  } catch (e) {
    const code = errCode(e);
    ctx.add({
      name: "xmpp-reachable",
      status: "fail",
      message: `cannot connect to the XMPP service ${host}:${port} (${code})`,
      fix:
        code === "ECONNREFUSED"
          ? "nothing listens there: check the port in xmpp.service and that the XMPP server runs"
          : "check xmpp.service, the network and any firewall between here and the server",
    });
    return false;
  }
  ctx.add({
    name: "xmpp-reachable",
    status: "ok",
    message: `${host}:${port} accepts connections (${Date.now() - started} ms)`,
  });
  const tls = ctx.config.xmpp.tls;
  try {
    if (tls === "none") {
      socket.destroy();
      ctx.add({
        name: "xmpp-tls",
        status: "skip",
        message:
          'xmpp.tls is "none": plaintext, no certificate to check (for local test servers only)',
      });
    } else if (tls === "direct" || scheme === "xmpps") {
      socket.destroy();
      const r = await handshake({ host, port }, domain, ctx.ca, ctx.timeoutMs);
      reportTls(ctx, "xmpp-tls", `direct TLS on ${host}:${port}`, domain, r);
    } else {
      await startTls(socket, domain, ctx.timeoutMs);
      const r = await handshake({ host, port, socket }, domain, ctx.ca, ctx.timeoutMs);
      reportTls(ctx, "xmpp-tls", `STARTTLS on ${host}:${port}`, domain, r);
    }
  } catch (e) {
    socket.destroy();
    ctx.add({
      name: "xmpp-tls",
      status: "fail",
      message: `TLS with ${host}:${port} failed: ${(e as Error).message}`,
      fix: 'enable TLS on the XMPP server (xmpp.tls "none" only for local test servers), or fix xmpp.service',
    });
  }
  return true;
}

// ---- XMPP login ---------------------------------------------------------------------------

async function checkXmppLogin(ctx: Ctx): Promise<void> {
  const x = ctx.config.xmpp;
  const conn = new XmppConnection({
    jid: x.jid,
    password: x.password,
    resource: `duet-doctor-${randomBytes(3).toString("hex")}`,
    service: x.service.url,
    tls: x.tls === "none" ? "none" : "required",
    clock: systemClock,
    reconnect: false,
    keepAlive: false,
    timeoutMs: ctx.timeoutMs,
    logger: { info: () => {}, warn: () => {} },
  });
  try {
    const session = await withTimeout(conn.connect(), ctx.timeoutMs * 2, "XMPP login");
    ctx.add({ name: "xmpp-login", status: "ok", message: `logged in as ${session.jid}` });
  } catch (e) {
    const reason = e instanceof XmppConnectionError ? e.reason : undefined;
    ctx.add({
      name: "xmpp-login",
      status: "fail",
      message:
        reason === "bad-password"
          ? `the server refused the login of ${x.jid}: wrong password or user (SASL not-authorized)`
          : `the login of ${x.jid} failed: ${(e as Error).message}`,
      fix:
        reason === "bad-password"
          ? "check xmpp.password (or xmpp.passwordEnv / xmpp.passwordFile) and xmpp.jid"
          : reason === "tls-failure"
            ? "the server's certificate is not trusted: see xmpp-tls above"
            : "check xmpp.jid, xmpp.password and xmpp.service",
    });
  } finally {
    await conn.disconnect().catch(() => {});
  }
}

// ---- SIP ----------------------------------------------------------------------------------

interface SipSide {
  readonly ua: UserAgent;
  readonly transport: NodeTransportLayer;
  /** The OPTIONS requests that reached us, oldest first. */
  readonly received: {
    callInfo: string[];
    sessionId: string | undefined;
    marker: string | undefined;
  }[];
}

async function startUa(ctx: Ctx): Promise<SipSide> {
  const s = ctx.config.sip;
  const transport = await NodeTransportLayer.start({
    clock: systemClock,
    udp: 0,
    tcp: 0,
    ...(ctx.ca ? { ca: ctx.ca } : {}),
  });
  const ua = new UserAgent({
    transport,
    clock: systemClock,
    aor: s.aor.uri,
    credentials: { username: s.username, password: s.password, realm: s.realm },
    outboundProxy: s.proxy.uri.includes(";lr") ? s.proxy.uri : `${s.proxy.uri};lr`,
    preferredTransport:
      s.proxy.transport === "tls" ? "TLS" : s.proxy.transport === "tcp" ? "TCP" : "UDP",
    resolver: (uri, preferred) => locate(uri, preferred),
    // An instance of its own: a daemon running with this config keeps its binding.
    instanceId: `urn:uuid:${randomUUID()}`,
    userAgent: "Duet doctor",
  });
  const received: SipSide["received"] = [];
  ua.onOptions = (c) => {
    const r = c.request;
    received.push({
      callInfo: r.getAll("Call-Info"),
      sessionId: r.get("Session-ID") ?? undefined,
      marker: r.get("X-Duet-Doctor") ?? undefined,
    });
    return {};
  };
  return { ua, transport, received };
}

async function checkSipReachable(ctx: Ctx, side: SipSide): Promise<boolean> {
  const p = ctx.config.sip.proxy;
  const started = Date.now();
  try {
    if (p.transport === "udp") {
      // An OPTIONS to the proxy itself (RFC 3261 §11): any answer, even a challenge, will do.
      const req = side.ua.newRequest("OPTIONS", `sip:${p.host}:${p.port};transport=udp`);
      const res = await withTimeout(side.ua.request(req), ctx.timeoutMs, "OPTIONS to the proxy");
      ctx.add({
        name: "sip-reachable",
        status: "ok",
        message: `the proxy ${p.host}:${p.port} (UDP) answers OPTIONS with ${res.status} ${res.reason} (${Date.now() - started} ms)`,
      });
    } else {
      const s = await openTcp(p.host, p.port, ctx.timeoutMs);
      s.destroy();
      ctx.add({
        name: "sip-reachable",
        status: "ok",
        message: `the proxy ${p.host}:${p.port} (${p.transport.toUpperCase()}) accepts connections (${Date.now() - started} ms)`,
      });
    }
    return true;
  } catch (e) {
    const code = errCode(e);
    ctx.add({
      name: "sip-reachable",
      status: "fail",
      message: `the SIP proxy ${p.host}:${p.port} (${p.transport}) does not answer: ${code}`,
      fix: "check the host, port and transport in sip.proxy, and that the SIP server runs",
    });
    return false;
  }
}

async function checkSipTls(ctx: Ctx): Promise<void> {
  const p = ctx.config.sip.proxy;
  const domain = ctx.config.sip.aor.host;
  if (p.transport !== "tls") {
    ctx.add({
      name: "sip-tls",
      status: "skip",
      message: `sip.proxy uses ${p.transport.toUpperCase()}: no TLS, so no certificate to check (signalling is not encrypted)`,
    });
    return;
  }
  try {
    const r = await handshake({ host: p.host, port: p.port }, domain, ctx.ca, ctx.timeoutMs);
    reportTls(ctx, "sip-tls", `TLS on ${p.host}:${p.port}`, domain, r);
  } catch (e) {
    ctx.add({
      name: "sip-tls",
      status: "fail",
      message: `TLS with ${p.host}:${p.port} failed: ${(e as Error).message}`,
      fix: "check that sip.proxy's port speaks TLS (usually 5061)",
    });
  }
}

async function checkRegistration(
  ctx: Ctx,
  side: SipSide,
): Promise<{ reg: Registration; state: RegistrationState } | null> {
  const s = ctx.config.sip;
  const reg = new Registration(side.ua, { expires: 60 });
  try {
    const state = await withTimeout(reg.register(), ctx.timeoutMs * 2, "REGISTER");
    ctx.add({
      name: "sip-registration",
      status: "ok",
      message: `registered ${s.aor.uri} at ${s.proxy.host}:${s.proxy.port} for ${state.expires} s`,
    });
    if (state.publicGruu) {
      ctx.add({
        name: "gruu",
        status: "ok",
        message: `the registrar gave the GRUU ${formatUri(state.publicGruu)}`,
      });
    } else {
      ctx.add({
        name: "gruu",
        status: "warn",
        message: "the registrar gives no GRUU (RFC 5627)",
        fix: 'calls then reach every device of the address of record and Duet advertises the AOR instead of this device: enable GRUU on the registrar (Kamailio: modparam("registrar", "gruu_enabled", 1))',
      });
    }
    return { reg, state };
  } catch (e) {
    reg.stop();
    const status = e instanceof RegistrationError ? e.status : undefined;
    const refused = status === 401 || status === 403 || status === 407;
    ctx.add({
      name: "sip-registration",
      status: "fail",
      message: refused
        ? `the registrar refused the credentials of ${s.username} (${status}): wrong password, user name or realm`
        : `the registration of ${s.aor.uri} failed: ${(e as Error).message}`,
      fix: refused
        ? `check sip.password (or sip.passwordEnv / sip.passwordFile), sip.username (now ${s.username}) and sip.realm (now ${s.realm})`
        : /certificate/i.test((e as Error).message)
          ? "the proxy's certificate is not trusted: see sip-tls above"
          : "check sip.aor and sip.proxy",
    });
    return null;
  }
}

/**
 * Calls itself: an OPTIONS to our own GRUU (or, without one, our registered contact) through the
 * proxy, carrying a profile-style Call-Info and a Session-ID, then compares what arrived.
 */
async function checkHeadersSurvive(
  ctx: Ctx,
  side: SipSide,
  state: RegistrationState,
): Promise<void> {
  const marker = randomBytes(6).toString("hex");
  const token = randomBytes(16).toString("base64url");
  const callInfo = `<xmpp:${ctx.config.xmpp.jid}/doctor?message;thread=doctor-${marker}>;purpose=impp;token=${token}`;
  const sessionId = randomBytes(16).toString("hex");
  const target = state.publicGruu ? formatUri(state.publicGruu) : undefined;
  if (!target) {
    ctx.add({
      name: "call-info",
      status: "skip",
      message: "without a GRUU the doctor cannot call this device alone through the proxy",
      fix: "enable GRUU on the registrar (see gruu), then run duet doctor again",
    });
    ctx.add({ name: "session-id", status: "skip", message: "see call-info" });
    return;
  }
  const req = side.ua.newRequest("OPTIONS", target);
  req.append("Call-Info", callInfo);
  req.append("Session-ID", `${sessionId};remote=00000000000000000000000000000000`);
  req.append("X-Duet-Doctor", marker);
  let status = 0;
  try {
    const res = await withTimeout(
      side.ua.request(req),
      ctx.timeoutMs * 2,
      "OPTIONS to our own GRUU",
    );
    status = res.status;
  } catch (e) {
    ctx.add({
      name: "call-info",
      status: "fail",
      message: `the OPTIONS to our own GRUU through the proxy got no answer: ${(e as Error).message}`,
      fix: "the proxy does not route requests to GRUUs: check its GRUU support and routing",
    });
    ctx.add({ name: "session-id", status: "skip", message: "see call-info" });
    return;
  }
  const got = side.received.find((r) => r.marker === marker);
  if (!got) {
    ctx.add({
      name: "call-info",
      status: "fail",
      message: `the OPTIONS to our own GRUU was answered ${status} without reaching this device`,
      fix: "the proxy does not route to GRUUs (RFC 5627 §5.4): check its location lookup",
    });
    ctx.add({ name: "session-id", status: "skip", message: "see call-info" });
    return;
  }
  const via = `${ctx.config.sip.proxy.host}:${ctx.config.sip.proxy.port}`;
  if (got.callInfo.some((v) => v.includes(token))) {
    ctx.add({
      name: "call-info",
      status: "ok",
      message: `Call-Info arrives unchanged through ${via}`,
    });
  } else {
    ctx.add({
      name: "call-info",
      status: "fail",
      message: `Call-Info is stripped on the path through ${via} (sent in an OPTIONS to our own GRUU, ${got.callInfo.length === 0 ? "none arrived" : "another value arrived"})`,
      fix: "calls and chats can then only be correlated as claimed (by Session-ID, or by caller identity and time): ask the operator of the proxy or SBC to pass Call-Info (RFC 3261 §20.9) unchanged",
    });
  }
  const sid = got.sessionId?.split(";")[0]?.trim().toLowerCase();
  if (sid === sessionId) {
    ctx.add({
      name: "session-id",
      status: "ok",
      message: `Session-ID (RFC 7989) arrives unchanged through ${via}`,
    });
  } else {
    ctx.add({
      name: "session-id",
      status: "fail",
      message: `Session-ID is ${got.sessionId === undefined ? "stripped" : "changed"} on the path through ${via}`,
      fix: "without Call-Info and Session-ID only the caller's identity and the time link a call to a chat: ask the operator to pass Session-ID (RFC 7989) end to end",
    });
  }
}

// ---- the command --------------------------------------------------------------------------

/** Runs every check against the servers of `config`; `onCheck` sees each result as it comes. */
export async function runDoctor(
  config: EndpointConfig,
  opts: { timeoutMs?: number; onCheck?: (c: DoctorCheck) => void } = {},
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const ctx: Ctx = {
    config,
    timeoutMs: opts.timeoutMs ?? 5000,
    ca: config.tls.caFile ? readFileSync(config.tls.caFile) : undefined,
    add: (c) => {
      checks.push(c);
      opts.onCheck?.(c);
    },
  };
  await checkDns(ctx);
  if (await checkXmppReachable(ctx)) await checkXmppLogin(ctx);
  else
    for (const name of ["xmpp-tls", "xmpp-login"])
      ctx.add({ name, status: "skip", message: "the XMPP service cannot be reached" });
  const side = await startUa(ctx);
  try {
    const reachable = await checkSipReachable(ctx, side);
    if (reachable) await checkSipTls(ctx);
    else
      for (const name of ["sip-tls", "sip-registration"])
        ctx.add({ name, status: "skip", message: "the SIP proxy cannot be reached" });
    const registered = reachable ? await checkRegistration(ctx, side) : null;
    if (!registered) {
      for (const name of ["gruu", "call-info", "session-id"])
        ctx.add({ name, status: "skip", message: "not registered" });
    } else {
      await checkHeadersSurvive(ctx, side, registered.state);
      await registered.reg.unregister().catch(() => {});
    }
  } finally {
    await side.ua.close();
    await side.transport.close();
  }
  return checks;
}

export async function doctorCommand(args: string[], io: CliIo): Promise<number> {
  let values: { config?: string; timeout?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: "string" },
        timeout: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${DOCTOR_USAGE}`);
  }
  if (values.help) {
    io.out(DOCTOR_USAGE);
    return 0;
  }
  if (!values.config) throw new UsageError(`--config FILE is required.\n\n${DOCTOR_USAGE}`);
  const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000)
    throw new UsageError(
      `--timeout must be a number of milliseconds from 100 to 120000, not "${values.timeout}".`,
    );
  let config: EndpointConfig;
  try {
    config = loadEndpointConfig(values.config);
  } catch (e) {
    if (e instanceof ConfigError) {
      if (values.json)
        io.out(
          JSON.stringify([
            { name: "config", status: "fail", message: e.message, fix: "fix the keys named above" },
          ]),
        );
      else io.err(e.message);
      return 2;
    }
    throw e;
  }
  // Node reads extra CAs only at start-up (as duet daemon does): the XMPP login needs the CA.
  const ca = config.tls.caFile;
  if (ca !== undefined && process.env.NODE_EXTRA_CA_CERTS !== ca) {
    return await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, process.argv.slice(1), {
        stdio: "inherit",
        env: { ...process.env, NODE_EXTRA_CA_CERTS: ca },
      });
      child.on("exit", (code) => resolve(code ?? 1));
    });
  }
  if (!values.json) {
    io.out(`duet doctor: ${config.file}`);
    io.out(
      `  XMPP ${config.xmpp.jid} at ${config.xmpp.service.url}; SIP ${config.sip.aor.uri} via ${config.sip.proxy.uri}`,
    );
  }
  const checks = await runDoctor(config, {
    timeoutMs,
    onCheck: (c) => {
      if (values.json) return;
      io.out(`  ${MARK[c.status]} ${c.name.padEnd(16)} ${c.message}`);
      if (c.fix && c.status !== "ok") io.out(`    ${"".padEnd(16)} fix: ${c.fix}`);
    },
  });
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  if (values.json) io.out(JSON.stringify(checks));
  else
    io.out(
      `${checks.length} checks: ${count("ok")} ok, ${count("warn")} warnings, ${count("fail")} failed, ${count("skip")} skipped`,
    );
  return count("fail") > 0 ? 1 : 0;
}
