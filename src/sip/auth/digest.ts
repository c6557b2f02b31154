// HTTP Digest for SIP (RFC 3261 §22.4, RFC 2617 §3.2, RFC 7616 as applied by RFC 8760):
// challenges from WWW-Authenticate / Proxy-Authenticate, answers with MD5 or SHA-256, qop=auth,
// a nonce-count per nonce, and the stale=true retry.
import { Cursor, fail, stopSet, unquote } from "../message/index.js";
import { md5Hex, sha256Hex } from "./hashes.js";

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  /** Upper case: MD5, MD5-SESS, SHA-256, SHA-256-SESS. */
  readonly algorithm: string;
  /** The qop options offered, lower case; empty for RFC 2069 style. */
  readonly qop: readonly string[];
  readonly stale: boolean;
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
  /** Restrict to one realm; any realm when absent. */
  readonly realm?: string;
}

const SUPPORTED = ["SHA-256", "SHA-256-SESS", "MD5", "MD5-SESS"];
const END_OF_TOKEN_VALUE = stopSet(", \t");

/** Parses one challenge; undefined when it is not Digest (RFC 4475 §3.3.7: unknown schemes). */
export function parseChallenge(value: string, header: string): DigestChallenge | undefined {
  const c = new Cursor(value, header);
  const scheme = c.requireToken("authentication scheme");
  if (scheme.toLowerCase() !== "digest") return undefined;
  const params = new Map<string, string>();
  for (;;) {
    c.skipWs();
    if (c.done) break;
    const name = c.requireToken("auth-param name").toLowerCase();
    c.expect("=", `"=" after ${name}`);
    c.skipWs();
    const value = c.peek() === 34 ? unquote(c.quotedRaw()) : c.until(END_OF_TOKEN_VALUE);
    params.set(name, value);
    if (!c.eat(",")) break;
  }
  c.skipWs();
  if (!c.done) c.error("unexpected text after the challenge");
  const realm = params.get("realm");
  const nonce = params.get("nonce");
  if (realm === undefined || nonce === undefined) {
    fail("header-value", "a Digest challenge needs realm and nonce", header);
  }
  const challenge: {
    realm: string;
    nonce: string;
    opaque?: string;
    algorithm: string;
    qop: string[];
    stale: boolean;
  } = {
    realm,
    nonce,
    algorithm: (params.get("algorithm") ?? "MD5").toUpperCase(),
    qop: (params.get("qop") ?? "")
      .split(",")
      .map((q) => q.trim().toLowerCase())
      .filter((q) => q.length > 0),
    stale: (params.get("stale") ?? "").toLowerCase() === "true",
  };
  const opaque = params.get("opaque");
  if (opaque !== undefined) challenge.opaque = opaque;
  return challenge;
}

/** Of the challenges in a 401/407, the strongest we support (RFC 8760 §2.4: prefer SHA-256). */
export function pickChallenge(
  values: readonly string[],
  header: string,
): DigestChallenge | undefined {
  const parsed = values
    .map((v) => parseChallenge(v, header))
    .filter((c): c is DigestChallenge => c !== undefined && SUPPORTED.includes(c.algorithm))
    .filter((c) => c.qop.length === 0 || c.qop.includes("auth"));
  parsed.sort((a, b) => SUPPORTED.indexOf(a.algorithm) - SUPPORTED.indexOf(b.algorithm));
  return parsed[0];
}

const hashFor = (algorithm: string) => (algorithm.startsWith("SHA-256") ? sha256Hex : md5Hex);

const q = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;

export interface DigestAnswerInput {
  readonly challenge: DigestChallenge;
  readonly credentials: Credentials;
  readonly method: string;
  /** digest-uri: the Request-URI as sent. */
  readonly uri: string;
  /** Nonce count for this nonce, starting at 1. */
  readonly nc: number;
  readonly cnonce: string;
  /** Body for qop=auth-int; unused with qop=auth. */
}

/** The Authorization / Proxy-Authorization value answering a challenge. */
export function digestAuthorization(input: DigestAnswerInput): string {
  const { challenge: ch, credentials, method, uri, nc, cnonce } = input;
  const H = hashFor(ch.algorithm);
  const useQop = ch.qop.includes("auth");
  const ncText = nc.toString(16).padStart(8, "0");
  let ha1 = H(`${credentials.username}:${ch.realm}:${credentials.password}`);
  if (ch.algorithm.endsWith("-SESS")) ha1 = H(`${ha1}:${ch.nonce}:${cnonce}`);
  const ha2 = H(`${method}:${uri}`);
  const response = useQop
    ? H(`${ha1}:${ch.nonce}:${ncText}:${cnonce}:auth:${ha2}`)
    : H(`${ha1}:${ch.nonce}:${ha2}`);
  const parts = [
    `Digest username=${q(credentials.username)}`,
    `realm=${q(ch.realm)}`,
    `nonce=${q(ch.nonce)}`,
    `uri=${q(uri)}`,
    `response=${q(response)}`,
    `algorithm=${ch.algorithm}`,
  ];
  if (useQop) parts.push(`cnonce=${q(cnonce)}`, "qop=auth", `nc=${ncText}`);
  if (ch.opaque !== undefined) parts.push(`opaque=${q(ch.opaque)}`);
  return parts.join(", ");
}

/**
 * Keeps what a UA knows about its challenges: nonce counts, and whether a retry is worth it.
 * A second challenge for the same realm right after we answered means the password is wrong,
 * unless it says stale=true (RFC 2617 §3.2.1).
 */
export class DigestSession {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly credentials: Credentials,
    private readonly randomHex: (bytes: number) => string,
  ) {}

  /** The header value to retry with, or undefined when retrying cannot succeed. */
  answer(
    challengeValues: readonly string[],
    header: string,
    method: string,
    uri: string,
    alreadyTried: boolean,
  ): string | undefined {
    const ch = pickChallenge(challengeValues, header);
    if (!ch) return undefined;
    if (this.credentials.realm !== undefined && this.credentials.realm !== ch.realm)
      return undefined;
    if (alreadyTried && !ch.stale) return undefined;
    const nc = (this.counts.get(ch.nonce) ?? 0) + 1;
    this.counts.set(ch.nonce, nc);
    if (this.counts.size > 64) this.counts.delete(this.counts.keys().next().value as string);
    return digestAuthorization({
      challenge: ch,
      credentials: this.credentials,
      method,
      uri,
      nc,
      cnonce: this.randomHex(8),
    });
  }
}
