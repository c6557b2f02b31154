// Parsers for the config's structured string values, shared by the file schema and the daemon
// flags so that `--audio tone:440` and `"audio": "tone:440"` are checked by the same code.
// Each returns the parsed value or one message saying what is wrong and how to fix it.

import { randomUUID } from "node:crypto";
import { isIP } from "node:net";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });
const show = (s: string) => JSON.stringify(s);

// RFC 1123 §2.1 host names; IP literals are checked with node:net.
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** A host name, an IPv4 address, or an IPv6 address in brackets (as in URIs, RFC 3986 §3.2.2). */
function parseHost(host: string): string | null {
  if (host.startsWith("[") && host.endsWith("]")) {
    return isIP(host.slice(1, -1)) === 6 ? host : null;
  }
  if (isIP(host) === 4 || HOSTNAME.test(host)) return host.toLowerCase();
  return null;
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/** A bare JID, RFC 7622 §3.1: localpart@domainpart, no resource. */
export function parseBareJid(s: string): Parsed<string> {
  const how = "write it as user@domain, e.g. alice@example.com";
  if (s.includes("/")) {
    return fail(`${show(s)} has a resource — ${how} and set "resource" separately`);
  }
  const at = s.indexOf("@");
  if (at <= 0 || at !== s.lastIndexOf("@")) return fail(`${show(s)} is not a bare JID — ${how}`);
  const localpart = s.slice(0, at);
  const domainpart = s.slice(at + 1);
  // RFC 7622 §3.3.1: these characters are never allowed in a localpart.
  if (parseHost(domainpart) === null || /[\s"&'<>:]/.test(localpart)) {
    return fail(`${show(s)} is not a bare JID — ${how}`);
  }
  return ok(`${localpart}@${domainpart.toLowerCase()}`);
}

export interface XmppService {
  /** `xmpps` means TLS from the first byte (XEP-0368); `xmpp` means a plain TCP stream. */
  readonly scheme: "xmpp" | "xmpps";
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

/** The XMPP server to connect to: xmpp://HOST:PORT or xmpps://HOST:PORT. */
export function parseXmppService(s: string): Parsed<XmppService> {
  const m = /^(xmpps?):\/\/(\[[^\]]+\]|[^:/]+)(?::([^/]*))?\/?$/.exec(s);
  const how =
    "write it as xmpp://HOST:PORT (STARTTLS or plain, usually port 5222) or xmpps://HOST:PORT (direct TLS, usually 5223)";
  if (!m) return fail(`${show(s)} is not an XMPP service URL — ${how}`);
  const scheme = m[1] as "xmpp" | "xmpps";
  const host = parseHost(m[2]!);
  if (host === null)
    return fail(`${show(m[2]!)} in ${show(s)} is not a host name or IP address — ${how}`);
  const port = m[3] === undefined ? (scheme === "xmpps" ? 5223 : 5222) : parsePort(m[3]);
  if (port === null || port === 0)
    return fail(`${show(s)} has an invalid port — use a number from 1 to 65535`);
  return ok({ scheme, host, port, url: `${scheme}://${host}:${port}` });
}

/** A WebSocket URL (RFC 6455 §3): ws://… or wss://…. */
export function parseWebSocketUrl(s: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return fail(`${show(s)} is not a URL — write it as wss://HOST[:PORT]/PATH`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    return fail(
      `${show(s)} is not a WebSocket URL — it must start with wss:// (or ws:// without TLS)`,
    );
  }
  return ok(url.href);
}

export interface SipAor {
  readonly uri: string;
  readonly user: string;
  readonly host: string;
}

/** An address of record, RFC 3261 §19.1: sip:user@domain or sips:user@domain. */
export function parseSipAor(s: string): Parsed<SipAor> {
  const m = /^(sips?):([^@:;?\s]+)@([^;?>\s]+)$/i.exec(s);
  const how = "write it as sip:user@domain, e.g. sip:alice@example.com";
  if (!m) return fail(`${show(s)} is not a SIP address of record — ${how}`);
  const hostPort = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(m[3]!);
  const host = hostPort ? parseHost(hostPort[1]!) : null;
  if (host === null) return fail(`${show(s)} has an invalid domain — ${how}`);
  const scheme = m[1]!.toLowerCase();
  return ok({ uri: `${scheme}:${m[2]}@${m[3]!.toLowerCase()}`, user: m[2]!, host });
}

export type SipTransport = "udp" | "tcp" | "tls";

export interface SipProxy {
  readonly uri: string;
  readonly host: string;
  readonly port: number;
  readonly transport: SipTransport;
}

const DEFAULT_SIP_PORT: Record<SipTransport, number> = { udp: 5060, tcp: 5060, tls: 5061 };

/**
 * The outbound proxy (RFC 3261 §8.1.2) every request goes to: a SIP URI naming its transport,
 * sip:HOST[:PORT];transport=udp|tcp|tls, or sips:HOST[:PORT] (TLS). The transport is required
 * for sip: because RFC 3263's guess (UDP) is rarely what a user meant to configure.
 */
export function parseSipProxy(s: string): Parsed<SipProxy> {
  const how = "write it as sip:HOST:PORT;transport=udp (or tcp, tls), or sips:HOST:PORT";
  const m = /^(sips?):(?:[^@;]+@)?(\[[^\]]+\]|[^:;]+)(?::([^;]*))?((?:;[^;]*)*)$/i.exec(s);
  if (!m) return fail(`${show(s)} is not a SIP URI — ${how}`);
  const secure = m[1]!.toLowerCase() === "sips";
  const host = parseHost(m[2]!);
  if (host === null)
    return fail(`${show(m[2]!)} in ${show(s)} is not a host name or IP address — ${how}`);
  const params = new Map(
    m[4]!
      .split(";")
      .filter((p) => p !== "")
      .map((p) => {
        const eq = p.indexOf("=");
        return eq < 0
          ? [p.toLowerCase(), ""]
          : [p.slice(0, eq).toLowerCase(), p.slice(eq + 1).toLowerCase()];
      }),
  );
  const given = params.get("transport");
  if (given === undefined && !secure) return fail(`${show(s)} does not say its transport — ${how}`);
  const transport = (given ?? "tls") as SipTransport;
  if (!["udp", "tcp", "tls"].includes(transport)) {
    return fail(
      `transport ${show(transport)} in ${show(s)} is not supported here — use udp, tcp or tls (WebSocket goes in "websocket")`,
    );
  }
  if (secure && transport === "udp") {
    return fail(
      `${show(s)} asks for sips: over UDP, which cannot be secured (RFC 3261 §26.2.2) — use transport=tls`,
    );
  }
  const port = m[3] === undefined ? DEFAULT_SIP_PORT[transport] : parsePort(m[3]);
  if (port === null || port === 0)
    return fail(`${show(s)} has an invalid port — use a number from 1 to 65535`);
  return ok({
    uri: `${secure ? "sips" : "sip"}:${host}:${port};transport=${transport}`,
    host,
    port,
    transport,
  });
}

/** The device's +sip.instance (RFC 5626 §4.1), a UUID URN (RFC 4122 §3). */
export function parseInstanceId(s: string): Parsed<string> {
  if (/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)) {
    return ok(s.toLowerCase());
  }
  return fail(
    `${show(s)} is not a UUID URN — use e.g. "${newInstanceId()}" and keep it unchanged afterwards`,
  );
}

export const newInstanceId = (): string => `urn:uuid:${randomUUID()}`;

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** The API's listening address, HOST:PORT; port 0 lets the system pick one. */
export function parseHostPort(s: string): Parsed<HostPort> {
  const how = "write it as HOST:PORT, e.g. 127.0.0.1:8080 (port 0 picks a free port)";
  const m = /^(\[[^\]]+\]|[^:[\]]+):(.*)$/.exec(s);
  if (!m) return fail(`${show(s)} is not HOST:PORT — ${how}`);
  const host = parseHost(m[1]!);
  if (host === null) return fail(`${show(m[1]!)} is not a host name or IP address — ${how}`);
  const port = parsePort(m[2]!);
  if (port === null) return fail(`${show(m[2]!)} is not a port — use a number from 0 to 65535`);
  return ok({ host: host.startsWith("[") ? host.slice(1, -1) : host, port });
}

/**
 * The local IP address SIP and RTP bind to and advertise (Via, Contact, SDP c=): an IPv4 or
 * IPv6 address of this machine, no name (a name could resolve to an address of another host).
 */
export function parseLocalAddress(s: string): Parsed<string> {
  const bare = s.startsWith("[") && s.endsWith("]") ? s.slice(1, -1) : s;
  if (isIP(bare) === 0)
    return fail(
      `${show(s)} is not an IP address — give one of this machine's addresses, e.g. 192.168.1.20, or leave the key out to use the one that reaches sip.proxy`,
    );
  return ok(bare);
}

/** What the endpoint sends as its microphone. */
export type AudioSourceSpec =
  | { readonly kind: "silence" }
  | { readonly kind: "tone"; readonly hz: number }
  | { readonly kind: "file"; readonly path: string };

export function parseAudioSource(s: string): Parsed<AudioSourceSpec> {
  const how = "use tone:HZ (e.g. tone:440), file:PATH.wav or silence";
  if (s === "silence") return ok({ kind: "silence" });
  if (s.startsWith("tone:")) {
    const hz = Number(s.slice(5));
    if (!/^\d+(\.\d+)?$/.test(s.slice(5)) || hz < 20 || hz > 20000) {
      return fail(
        `${show(s)} is not an audible tone — give a frequency from 20 to 20000 Hz, e.g. tone:440`,
      );
    }
    return ok({ kind: "tone", hz });
  }
  if (s.startsWith("file:")) {
    const path = s.slice(5);
    if (!/\.wav$/i.test(path)) return fail(`${show(s)} is not a WAV file — ${how}`);
    return ok({ kind: "file", path });
  }
  return fail(`${show(s)} is not an audio source — ${how}`);
}

/** What the endpoint sends as its camera: an IVF file of VP8 frames, or nothing. */
export type VideoSourceSpec =
  | { readonly kind: "none" }
  | { readonly kind: "file"; readonly path: string };

export function parseVideoSource(s: string): Parsed<VideoSourceSpec> {
  const how = "use file:PATH.ivf (VP8 in IVF) or none";
  if (s === "none") return ok({ kind: "none" });
  if (s.startsWith("file:")) {
    const path = s.slice(5);
    if (!/\.ivf$/i.test(path)) return fail(`${show(s)} is not an IVF file — ${how}`);
    return ok({ kind: "file", path });
  }
  return fail(`${show(s)} is not a video source — ${how}`);
}

/** An API bearer token (RFC 6750 §2.1): visible ASCII without spaces, so it fits the header. */
export function parseToken(s: string): Parsed<string> {
  if (!/^[\x21-\x7e]+$/.test(s)) {
    return fail(
      "the token must be non-empty printable ASCII without spaces — e.g. generate one with `openssl rand -hex 16`",
    );
  }
  return ok(s);
}
