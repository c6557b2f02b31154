// Locating a SIP server from a URI (RFC 3263 §4): NAPTR → SRV → A/AAAA with node:dns, or the
// address itself when the host is numeric. A port or transport given in the URI short-cuts the
// lookups as §4.1 and §4.2 prescribe.
import { promises as dns } from "node:dns";
import { isIP } from "node:net";
import { isSipUri, type Uri, uriParam } from "../message/index.js";
import type { Target, TransportName } from "./types.js";

const NAPTR_SERVICES: Record<string, TransportName> = {
  "SIP+D2U": "UDP",
  "SIP+D2T": "TCP",
  "SIPS+D2T": "TLS",
  "SIP+D2W": "WS",
  "SIPS+D2W": "WSS",
};

const SRV_PREFIX: Record<TransportName, string> = {
  UDP: "_sip._udp.",
  TCP: "_sip._tcp.",
  TLS: "_sips._tcp.",
  WS: "_sip._ws.",
  WSS: "_sips._ws.",
};

const DEFAULT_PORT: Record<TransportName, number> = {
  UDP: 5060,
  TCP: 5060,
  TLS: 5061,
  WS: 80,
  WSS: 443,
};

export class LocateError extends Error {
  override readonly name = "LocateError";
}

function transportOf(uri: Uri): TransportName | undefined {
  const t = uriParam(uri, "transport");
  if (typeof t !== "string") return undefined;
  const up = t.toUpperCase();
  return up === "UDP" || up === "TCP" || up === "TLS" || up === "WS" || up === "WSS"
    ? (up as TransportName)
    : undefined;
}

async function addresses(host: string): Promise<string[]> {
  try {
    const all = await dns.lookup(host, { all: true });
    return all.map((a) => a.address);
  } catch (e) {
    throw new LocateError(`cannot resolve "${host}": ${(e as Error).message}`);
  }
}

/** Ordered candidate targets for a URI (try in order on failure, RFC 3263 §4.3). */
export async function locate(uri: Uri, preferred?: TransportName): Promise<Target[]> {
  if (!isSipUri(uri)) throw new LocateError(`cannot route to a ${uri.scheme}: URI`);
  const secure = uri.scheme === "sips";
  const maddr = uriParam(uri, "maddr");
  const host = typeof maddr === "string" ? maddr : uri.host.name;
  let transport = transportOf(uri) ?? preferred;
  if (secure && (transport === undefined || transport === "TCP")) transport = "TLS";
  // RFC 7118 §5.2: a sips: URI with transport=ws is reached over WSS.
  if (secure && transport === "WS") transport = "WSS";

  // §4.1/§4.2: numeric host, or an explicit port → no NAPTR/SRV.
  if (isIP(host) || uri.port !== undefined) {
    const t = transport ?? "UDP";
    const port = uri.port ?? DEFAULT_PORT[t];
    const hosts = isIP(host) ? [host] : await addresses(host);
    return hosts.map((h) => ({ host: h, port, transport: t, serverName: host }));
  }

  // NAPTR (§4.1) when the transport is not fixed.
  let services: Array<{ transport: TransportName; srv: string }> = [];
  if (!transport) {
    try {
      const naptr = await dns.resolveNaptr(host);
      services = naptr
        .filter((r) => r.flags.toLowerCase() === "s" && NAPTR_SERVICES[r.service.toUpperCase()])
        .sort((a, b) => a.order - b.order || a.preference - b.preference)
        .map((r) => ({
          transport: NAPTR_SERVICES[r.service.toUpperCase()] as TransportName,
          srv: r.replacement,
        }))
        .filter((s) => !secure || s.transport === "TLS" || s.transport === "WSS");
    } catch {
      services = [];
    }
  }
  if (services.length === 0) {
    const order: TransportName[] = transport ? [transport] : secure ? ["TLS"] : ["UDP", "TCP"];
    services = order.map((t) => ({ transport: t, srv: `${SRV_PREFIX[t]}${host}` }));
  }

  // SRV (§4.2), by priority then weight.
  const out: Target[] = [];
  for (const s of services) {
    try {
      const srv = await dns.resolveSrv(s.srv);
      srv.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
      for (const r of srv) {
        for (const a of await addresses(r.name)) {
          out.push({ host: a, port: r.port, transport: s.transport, serverName: host });
        }
      }
    } catch {
      // no SRV for this service
    }
    if (out.length > 0) return out;
  }

  // A/AAAA with the default port (§4.2 last paragraph).
  const t = transport ?? "UDP";
  return (await addresses(host)).map((a) => ({
    host: a,
    port: DEFAULT_PORT[t],
    transport: t,
    serverName: host,
  }));
}
