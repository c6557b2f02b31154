// Via (RFC 3261 §20.42, §18.2.1; rport RFC 3581): sent-protocol LWS sent-by *( SEMI via-params ).
import { Cursor, END_OF_ITEM, formatParams, type HeaderParam, paramValue } from "./cursor.js";
import { formatHost, type Host, parseHost, parsePort, splitHostPort } from "./host.js";

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

/**
 * The transport token s[start, end) in upper case: the usual ones (§18, RFC 7118) as the
 * constants, compared in place; any other token copied.
 */
function transportAt(s: string, start: number, end: number): string {
  const c0 = s.charCodeAt(start);
  const c1 = s.charCodeAt(start + 1);
  if (end - start === 3) {
    const c2 = s.charCodeAt(start + 2);
    if (c0 === 85 && c1 === 68 && c2 === 80) return "UDP";
    if (c0 === 84 && c1 === 67 && c2 === 80) return "TCP";
    if (c0 === 84 && c1 === 76 && c2 === 83) return "TLS";
    if (c0 === 87 && c1 === 83 && c2 === 83) return "WSS";
  } else if (end - start === 2 && c0 === 87 && c1 === 83) {
    return "WS";
  }
  return s.slice(start, end).toUpperCase();
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
  c.skipWs();
  const transportStart = c.i;
  c.skipToken();
  if (c.i === transportStart) c.error("expected transport");
  const transport = transportAt(c.s, transportStart, c.i);
  c.skipWs();
  const s = c.s;
  const sentStart = c.i;
  let i = sentStart;
  while (i < s.length) {
    const ch = s.charCodeAt(i);
    if (ch < 128 && END_OF_ITEM[ch] === 1) break;
    i++;
  }
  const sentEnd = i;
  c.i = sentEnd;
  if (sentEnd === sentStart) c.error("expected sent-by (host[:port])");
  c.skipWs();
  let colon = s.indexOf(":", sentStart);
  if (colon >= sentEnd) colon = -1;
  let host: Host;
  let port: number | undefined;
  if (c.peek() === 58 && colon < 0) {
    // "host : port" with LWS around the colon is allowed by the grammar (COLON = SWS ":" SWS).
    c.i++;
    c.skipWs();
    ({ host, port } = splitHostPort(
      `${s.slice(sentStart, sentEnd)}:${c.until(END_OF_ITEM)}`,
      c.where,
    ));
  } else if (s.charCodeAt(sentStart) === 91) {
    ({ host, port } = splitHostPort(s.slice(sentStart, sentEnd), c.where));
  } else {
    // host[:port] read from the value itself, as splitHostPort would from a copy of it.
    host = parseHost(s.slice(sentStart, colon < 0 ? sentEnd : colon), c.where);
    if (colon >= 0) port = parsePort(s.slice(colon + 1, sentEnd), c.where);
  }
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
