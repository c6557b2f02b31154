// Via (RFC 3261 §20.42, §18.2.1; rport RFC 3581): sent-protocol LWS sent-by *( SEMI via-params ).
import { Cursor, END_OF_ITEM, formatParams, type HeaderParam, paramValue } from "./cursor.js";
import { formatHost, type Host, splitHostPort } from "./host.js";

/** The magic cookie that marks an RFC 3261 branch (§8.1.1.7). */
export const BRANCH_COOKIE = "z9hG4bK";

export interface Via {
  /** "SIP/2.0" normally; kept as received. */
  readonly protocol: string;
  /** Transport in upper case: UDP, TCP, TLS, SCTP, WS, WSS or any other token. */
  readonly transport: string;
  readonly host: Host;
  readonly port?: number;
  readonly params: readonly HeaderParam[];
}

/** "SIP/2.0" from its two tokens; the usual spelling reuses one string instead of building it. */
function protocolOf(name: string, version: string): string {
  return name === "SIP" && version === "2.0" ? "SIP/2.0" : `${name.toUpperCase()}/${version}`;
}

/** The transport in upper case; the usual ones as received need no copy. */
function upperTransport(t: string): string {
  switch (t) {
    case "UDP":
    case "TCP":
    case "TLS":
    case "WS":
    case "WSS":
      return t;
    default:
      return t.toUpperCase();
  }
}

/** Whether "SIP/2.0/" is at `i` in `s`, exactly (compared in place: startsWith is a call). */
function isSip20(s: string, i: number): boolean {
  return (
    s.charCodeAt(i) === 83 &&
    s.charCodeAt(i + 1) === 73 &&
    s.charCodeAt(i + 2) === 80 &&
    s.charCodeAt(i + 3) === 47 &&
    s.charCodeAt(i + 4) === 50 &&
    s.charCodeAt(i + 5) === 46 &&
    s.charCodeAt(i + 6) === 48 &&
    s.charCodeAt(i + 7) === 47
  );
}

function readOne(c: Cursor): Via {
  c.skipWs();
  let protocol = "SIP/2.0";
  // The usual "SIP/2.0/" read at once; tokens "SIP" and "2.0" and two "/", as the loop below.
  if (isSip20(c.s, c.i)) {
    c.i += 8;
  } else {
    const name = c.requireToken("protocol name (SIP)");
    c.expect("/", `"/" after the protocol name`);
    const version = c.requireToken("protocol version");
    c.expect("/", `"/" after the protocol version`);
    protocol = protocolOf(name, version);
  }
  const transport = upperTransport(c.requireToken("transport"));
  c.skipWs();
  const sentBy = c.until(END_OF_ITEM);
  if (sentBy.length === 0) c.error("expected sent-by (host[:port])");
  let hostText = sentBy;
  // "host : port" with LWS around the colon is allowed by the grammar (COLON = SWS ":" SWS).
  c.skipWs();
  if (c.peek() === 58 && !sentBy.includes(":")) {
    c.i++;
    c.skipWs();
    hostText = `${sentBy}:${c.until(END_OF_ITEM)}`;
  }
  const { host, port } = splitHostPort(hostText, c.where);
  const params = c.params();
  const via: {
    protocol: string;
    transport: string;
    host: Host;
    port?: number;
    params: HeaderParam[];
  } = { protocol, transport, host, params };
  if (port !== undefined) via.port = port;
  return via;
}

/** All Via values in one header field (they may be comma-separated). */
export function parseViaList(value: string): Via[] {
  const c = new Cursor(value, "Via");
  const out: Via[] = [];
  for (;;) {
    out.push(readOne(c));
    c.skipWs();
    if (c.done) return out;
    if (!c.eat(",")) c.error(`expected "," or ";" after a Via value`);
  }
}

/** Only the first Via value of a field (the one a UA acts on, RFC 3261 §8.2.6.2, §18.2.1). */
export function parseFirstVia(value: string): Via {
  const c = new Cursor(value, "Via");
  const via = readOne(c);
  c.skipWs();
  if (!c.done && c.peek() !== 44) c.error(`expected "," or ";" after a Via value`);
  return via;
}

export function formatVia(via: Via): string {
  const port = via.port === undefined ? "" : `:${via.port}`;
  return `${via.protocol}/${via.transport} ${formatHost(via.host)}${port}${formatParams(via.params)}`;
}

export function viaBranch(via: Via): string | undefined {
  const b = paramValue(via.params, "branch");
  return b === null ? undefined : b;
}

/** Replaces or adds a parameter (used for received/rport, RFC 3581 §4). */
export function setViaParam(via: Via, name: string, value: string | null): Via {
  const lower = name.toLowerCase();
  let found = false;
  const params = via.params.map((p) => {
    if (p.name.toLowerCase() !== lower) return p;
    found = true;
    return { name: p.name, value };
  });
  if (!found) params.push({ name, value });
  return { ...via, params };
}
