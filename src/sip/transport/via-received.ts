// What a server transport records in the top Via of a request it receives (RFC 3261 §18.2.1,
// RFC 3581 §4), and where a response must go (RFC 3261 §18.2.2, RFC 3581 §4).
import {
  formatHost,
  formatVia,
  paramValue,
  type SipRequest,
  type SipResponse,
  setViaParam,
} from "../message/index.js";
import type { Address, Flow } from "./types.js";

/** Adds received= when sent-by is not the source address, and fills a valueless rport. */
export function stampTopVia(request: SipRequest, source: Address, forceRport = false): void {
  let via = request.topVia();
  if (via.host.name.toLowerCase() !== source.host.toLowerCase()) {
    via = setViaParam(via, "received", source.host);
  }
  const rport = paramValue(via.params, "rport");
  if (rport === null || (forceRport && rport === undefined)) {
    via = setViaParam(via, "rport", String(source.port));
    if (paramValue(via.params, "received") === undefined) {
      via = setViaParam(via, "received", source.host);
    }
  }
  request.removeFirstValue("Via");
  request.prepend("Via", formatVia(via));
}

/**
 * Where a response goes over an unreliable transport: received (or sent-by) and rport (or the
 * sent-by port, or 5060). Over a reliable transport the caller uses the request's flow.
 */
export function responseDestination(response: SipResponse): Address {
  const via = response.topVia();
  const received = paramValue(via.params, "received");
  const rport = paramValue(via.params, "rport");
  const host = received ? received.replace(/^\[|\]$/g, "") : via.host.name;
  const port = rport ? Number(rport) : (via.port ?? 5060);
  return { host, port };
}

export const describeFlow = (flow: Flow): string =>
  `${flow.transport} ${formatHost({ kind: flow.remote.host.includes(":") ? "ipv6" : "ipv4", name: flow.remote.host })}:${flow.remote.port}`;
