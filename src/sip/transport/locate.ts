// Locating a SIP server from a URI (RFC 3263 §4): NAPTR → SRV → A/AAAA with node:dns, or the
// address itself when the host is numeric. A port or transport given in the URI short-cuts the
// lookups as §4.1 and §4.2 prescribe.
import { promises as dns, type NaptrRecord, type SrvRecord } from "node:dns";
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

/**
 * The DNS queries RFC 3263 needs; a `node:dns` `promises.Resolver` fits (tests point one at their
 * own server with `setServers(["127.0.0.1:PORT"])`).
 */
export interface SipResolver {
  resolveNaptr(name: string): Promise<NaptrRecord[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

export interface LocateOptions {
  /**
   * Where the NAPTR, SRV, A and AAAA queries go. Without one, the system's resolver answers
   * NAPTR/SRV and getaddrinfo() the addresses (so /etc/hosts names such as "localhost" work).
   */
  readonly resolver?: SipResolver;
  /**
   * Uniform random numbers in [0, 1) for RFC 2782's weighted choice among SRV records of one
   * priority; default Math.random. Tests pass a fixed sequence.
   */
  readonly random?: () => number;
}

/**
 * RFC 2782 ("Usage rules"): within each priority, repeatedly pick one of the remaining records
 * with probability proportional to its weight (weight-0 records first in the running sum, so
 * they are chosen only when the draw is 0 or nothing heavier is left). Starting from the
 * heaviest-first order makes the result depend only on the random numbers, not on the order
 * in which the DNS server listed the records.
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const left = byPriority
      .get(priority)!
      .sort((a, b) =>
        (a.weight === 0) === (b.weight === 0) ? b.weight - a.weight : a.weight === 0 ? -1 : 1,
      );
    while (left.length > 0) {
      const total = left.reduce((sum, r) => sum + r.weight, 0);
      // "a uniform random number between 0 and the sum of the weights (inclusive)"
      const draw = random() * (total + 1);
      let running = 0;
      let chosen = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        running += left[i]!.weight;
        if (running >= Math.floor(draw)) {
          chosen = i;
          break;
        }
      }
      out.push(...left.splice(chosen, 1));
    }
  }
  return out;
}

function transportOf(uri: Uri): TransportName | undefined {
  const t = uriParam(uri, "transport");
  if (typeof t !== "string") return undefined;
  const up = t.toUpperCase();
  return up === "UDP" || up === "TCP" || up === "TLS" || up === "WS" || up === "WSS"
    ? (up as TransportName)
    : undefined;
}

const systemResolver = {
  resolveNaptr: (name: string) => dns.resolveNaptr(name),
  resolveSrv: (name: string) => dns.resolveSrv(name),
};

/** A and AAAA records of `host` (IPv4 first), or a LocateError naming the host. */
async function addresses(host: string, resolver: SipResolver | undefined): Promise<string[]> {
  if (!resolver) {
    try {
      const all = await dns.lookup(host, { all: true });
      return all.map((a) => a.address);
    } catch (e) {
      throw new LocateError(`cannot resolve "${host}": ${(e as Error).message}`);
    }
  }
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const out = [
    ...(v4.status === "fulfilled" ? v4.value : []),
    ...(v6.status === "fulfilled" ? v6.value : []),
  ];
  if (out.length > 0) return out;
  const reason = v4.status === "rejected" ? (v4.reason as Error).message : "no A or AAAA record";
  throw new LocateError(
    `cannot resolve "${host}": ${reason} (check the domain name and the DNS server)`,
  );
}

/**
 * Ordered candidate targets for a URI (try in order on failure, RFC 3263 §4.3). SRV records are
 * ordered by priority and, within one priority, by RFC 2782's weighted random choice.
 */
export async function locate(
  uri: Uri,
  preferred?: TransportName,
  options: LocateOptions = {},
): Promise<Target[]> {
  if (!isSipUri(uri)) throw new LocateError(`cannot route to a ${uri.scheme}: URI`);
  const resolver = options.resolver;
  const query = resolver ?? systemResolver;
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
    const hosts = isIP(host) ? [host] : await addresses(host, resolver);
    return hosts.map((h) => ({ host: h, port, transport: t, serverName: host }));
  }

  // NAPTR (§4.1) when the transport is not fixed.
  let services: Array<{ transport: TransportName; srv: string }> = [];
  if (!transport) {
    try {
      const naptr = await query.resolveNaptr(host);
      services = naptr
        .filter((r) => r.flags.toLowerCase() === "s" && NAPTR_SERVICES[r.service.toUpperCase()])
        .sort((a, b) => a.order - b.order || a.preference - b.preference)
        .map((r) => ({
          transport: NAPTR_SERVICES[r.service.toUpperCase()] as TransportName,
          srv: r.replacement,
        }))
        // §4.1: a SIPS URI may only be reached over a TLS-protected service.
        .filter((s) => !secure || s.transport === "TLS" || s.transport === "WSS");
    } catch {
      services = [];
    }
  }
  if (services.length === 0) {
    const order: TransportName[] = transport ? [transport] : secure ? ["TLS"] : ["UDP", "TCP"];
    services = order.map((t) => ({ transport: t, srv: `${SRV_PREFIX[t]}${host}` }));
  }

  // SRV (§4.2), by priority, then the weighted choice (RFC 2782).
  const out: Target[] = [];
  for (const s of services) {
    let srv: SrvRecord[];
    try {
      srv = await query.resolveSrv(s.srv);
    } catch {
      continue; // no SRV for this service
    }
    for (const r of orderSrv(srv, options.random ?? Math.random)) {
      // A target that does not resolve is skipped; the others still serve (§4.3).
      const hosts = await addresses(r.name, resolver).catch(() => [] as string[]);
      for (const a of hosts) {
        out.push({ host: a, port: r.port, transport: s.transport, serverName: host });
      }
    }
    if (out.length > 0) return out;
  }

  // A/AAAA with the default port (§4.2 last paragraph).
  const t = transport ?? "UDP";
  return (await addresses(host, resolver)).map((a) => ({
    host: a,
    port: DEFAULT_PORT[t],
    transport: t,
    serverName: host,
  }));
}
