// Hosts in SIP URIs and Via sent-by (RFC 3261 §25.1 host; RFC 5118 for IPv6 references;
// RFC 5954 for the corrected IPv6 ABNF).
import { fail } from "./parse-error.js";

export type HostKind = "domain" | "ipv4" | "ipv6";

export interface Host {
  readonly kind: HostKind;
  /** The host without brackets, as received (IPv6 compared case-insensitively). */
  readonly name: string;
}

function isIpv4(s: string): boolean {
  // Four decimal octets, scanned without allocating (this runs for every host we parse).
  let dots = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return false;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return false;
    } else {
      return false;
    }
  }
  return dots === 3 && digits > 0;
}

function isHexGroup(g: string): boolean {
  if (g.length === 0 || g.length > 4) return false;
  for (let i = 0; i < g.length; i++) {
    const c = g.charCodeAt(i);
    const hex = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
    if (!hex) return false;
  }
  return true;
}

/**
 * IPv6address of RFC 4291 §2.2. One liberal exception, RFC 5118 §4.10: RFC 3261's ABNF (taken
 * from RFC 2373) derives "hexseq ':::' IPv4address", and senders built on it exist; we accept
 * that one shape as if it had two colons.
 */
export function isIpv6(s: string): boolean {
  let text = s;
  const triple = text.indexOf(":::");
  if (triple >= 0) {
    const tail = text.slice(triple + 3);
    if (!isIpv4(tail) || text.indexOf(":::", triple + 1) >= 0) return false;
    text = `${text.slice(0, triple)}::${tail}`;
  }
  let groupsAllowed = 8;
  const last = text.lastIndexOf(":");
  if (last >= 0 && text.indexOf(".", last) > last) {
    if (!isIpv4(text.slice(last + 1))) return false;
    text = `${text.slice(0, last + 1)}0`;
    groupsAllowed = 7;
  }
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  if (halves.length === 1) {
    const g = groups(text);
    return g.length === groupsAllowed && g.every(isHexGroup);
  }
  const head = groups(halves[0] ?? "");
  const tail = groups(halves[1] ?? "");
  return head.length + tail.length < groupsAllowed && [...head, ...tail].every(isHexGroup);
}

function isHostname(s: string): boolean {
  const end = s.endsWith(".") ? s.length - 1 : s.length;
  if (end <= 0 || end > 255) return false;
  let labelStart = 0;
  for (let i = 0; i <= end; i++) {
    const c = i === end ? 46 : s.charCodeAt(i);
    if (c === 46) {
      const len = i - labelStart;
      if (len === 0 || len > 63) return false;
      // RFC 3261 hostname: labels neither start nor end with '-'.
      if (s.charCodeAt(labelStart) === 45 || s.charCodeAt(i - 1) === 45) return false;
      labelStart = i + 1;
      continue;
    }
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
    if (!ok) return false;
  }
  return true;
}

/** Parses `host` (with brackets for IPv6). `where` names the field for the error message. */
export function parseHost(text: string, where: string): Host {
  if (text.startsWith("[")) {
    if (!text.endsWith("]")) fail("uri", `IPv6 reference "${text}" lacks its closing "]"`, where);
    const inner = text.slice(1, -1);
    if (!isIpv6(inner)) fail("uri", `"${inner}" is not an IPv6 address`, where);
    return { kind: "ipv6", name: inner };
  }
  if (isIpv4(text)) return { kind: "ipv4", name: text };
  if (text.indexOf(":") >= 0 && isIpv6(text)) {
    fail("uri", `IPv6 address "${text}" must be enclosed in [ ] (RFC 3261 §19.1.1)`, where);
  }
  if (!isHostname(text)) fail("uri", `"${text}" is not a valid host name`, where);
  return { kind: "domain", name: text };
}

export function formatHost(host: Host): string {
  return host.kind === "ipv6" ? `[${host.name}]` : host.name;
}

/** Splits "host[:port]" where host may be an IPv6 reference. */
export function splitHostPort(text: string, where: string): { host: Host; port?: number } {
  let hostText = text;
  let portText: string | undefined;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) fail("uri", `IPv6 reference "${text}" lacks its closing "]"`, where);
    hostText = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(":")) fail("uri", `unexpected "${rest}" after "${hostText}"`, where);
      portText = rest.slice(1);
    }
  } else {
    const colon = text.indexOf(":");
    if (colon >= 0) {
      hostText = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  const host = parseHost(hostText, where);
  if (portText === undefined) return { host };
  return { host, port: parsePort(portText, where) };
}

export function parsePort(text: string, where: string): number {
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    value = c >= 48 && c <= 57 ? value * 10 + (c - 48) : Number.NaN;
  }
  if (text.length === 0 || text.length > 5 || !(value <= 65535)) {
    fail("uri", `port "${text}" is not a number from 0 to 65535`, where);
  }
  return value;
}
