// Header names: compact forms (RFC 3261 §7.3.3, plus later RFCs' registrations) and the
// canonical spelling we send. Names compare case-insensitively (§7.3.1).

const COMPACT: Record<string, string> = {
  a: "accept-contact",
  b: "referred-by",
  c: "content-type",
  d: "request-disposition",
  e: "content-encoding",
  f: "from",
  i: "call-id",
  j: "reject-contact",
  k: "supported",
  l: "content-length",
  m: "contact",
  n: "identity-info",
  o: "event",
  r: "refer-to",
  s: "subject",
  t: "to",
  u: "allow-events",
  v: "via",
  x: "session-expires",
  y: "identity",
};

const CANONICAL: Record<string, string> = {
  "call-id": "Call-ID",
  cseq: "CSeq",
  "www-authenticate": "WWW-Authenticate",
  "mime-version": "MIME-Version",
  "session-id": "Session-ID",
  rack: "RAck",
  rseq: "RSeq",
};

/** Lower-case full name for lookups: "v" → "via", "Call-Id" → "call-id". */
const keyCache = new Map<string, string>();

export function headerKey(name: string): string {
  let key = keyCache.get(name);
  if (key === undefined) {
    const lower = name.toLowerCase();
    key = lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
    // Names repeat endlessly; a peer inventing new ones must not grow the cache without bound.
    if (keyCache.size < 4096) keyCache.set(name, key);
  }
  return key;
}

/** Names nearly every message carries, looked up in place by knownHeaderKey(). */
const COMMON = [
  "via",
  "from",
  "to",
  "call-id",
  "cseq",
  "max-forwards",
  "contact",
  "content-length",
  "content-type",
  "route",
  "record-route",
  "allow",
  "supported",
  "require",
  "user-agent",
  "server",
  "expires",
  "subject",
  "accept",
  "session-id",
];

/** [lower-case spelling, key] pairs by spelling length; compact forms are length 1. */
const BY_LENGTH: Array<Array<[string, string]>> = [];
for (const name of [...COMMON, ...Object.keys(COMPACT)]) {
  const key = name.length === 1 ? (COMPACT[name] as string) : name;
  const list = BY_LENGTH[name.length] ?? [];
  list.push([name, key]);
  BY_LENGTH[name.length] = list;
}

/**
 * headerKey() of `text.slice(start, end)` if that is one of the common names (any case), else
 * undefined; compares in place, so the parser hashes no freshly sliced name for the usual fields.
 * Every name it knows is a token.
 */
export function knownHeaderKey(text: string, start: number, end: number): string | undefined {
  const list = BY_LENGTH[end - start];
  if (list === undefined) return undefined;
  for (let k = 0; k < list.length; k++) {
    const [spelling, key] = list[k] as [string, string];
    let j = 0;
    for (; j < spelling.length; j++) {
      let c = text.charCodeAt(start + j);
      if (c >= 65 && c <= 90) c |= 0x20;
      if (c !== spelling.charCodeAt(j)) break;
    }
    if (j === spelling.length) return key;
  }
  return undefined;
}

/** The spelling we send: "call-id" → "Call-ID", "max-forwards" → "Max-Forwards". */
export function canonicalName(name: string): string {
  const key = headerKey(name);
  const known = CANONICAL[key];
  if (known) return known;
  return key.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

/** Headers whose value is a comma-separated list that may be split across fields (§7.3.1). */
export const LIST_HEADERS = new Set([
  "via",
  "contact",
  "route",
  "record-route",
  "path",
  "allow",
  "supported",
  "require",
  "proxy-require",
  "unsupported",
  "accept",
  "accept-encoding",
  "accept-language",
  "allow-events",
  "content-encoding",
]);

/** Headers that must appear at most once (RFC 4475 §3.3.8, §3.3.9). */
export const SINGLE_HEADERS = [
  "to",
  "from",
  "call-id",
  "cseq",
  "max-forwards",
  "content-length",
] as const;
