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
