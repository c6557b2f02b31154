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

/** Names nearly every message carries, looked up in place by knownHeader(), as usually sent. */
const COMMON = [
  "Via",
  "From",
  "To",
  "Call-ID",
  "CSeq",
  "Max-Forwards",
  "Contact",
  "Content-Length",
  "Content-Type",
  "Route",
  "Record-Route",
  "Allow",
  "Supported",
  "Require",
  "User-Agent",
  "Server",
  "Expires",
  "Subject",
  "Accept",
  "Session-ID",
  // Further names of the IANA SIP header registry often seen on the wire.
  "Date",
  "Warning",
  "Retry-After",
  "Proxy-Require",
  "Unsupported",
  "Authorization",
  "WWW-Authenticate",
  "Proxy-Authenticate",
  "Proxy-Authorization",
  "Authentication-Info",
  "Accept-Encoding",
  "Accept-Language",
  "Allow-Events",
  "Event",
  "Subscription-State",
  "Refer-To",
  "Referred-By",
  "Path",
  "Service-Route",
  "P-Asserted-Identity",
  "P-Preferred-Identity",
  "Privacy",
  "Reason",
  "RSeq",
  "RAck",
  "Min-Expires",
  "Session-Expires",
  "Min-SE",
  "Timestamp",
  "Organization",
  "Priority",
  "Content-Disposition",
  "Content-Encoding",
  "Content-Language",
  "MIME-Version",
  "Call-Info",
  "Alert-Info",
  "Error-Info",
  "Reply-To",
  "In-Reply-To",
  "Identity",
  "History-Info",
];

/**
 * The headers the parser counts (must be present, may appear once, or set up dialogs), by a
 * small number: knownSlot() gives it for a recognised name, 0 for any other.
 */
export const COUNTED = [
  "",
  "via",
  "from",
  "to",
  "call-id",
  "cseq",
  "max-forwards",
  "content-length",
  "contact",
  "route",
  "record-route",
] as const;

/** A name knownHeader() recognises: its lower-case spelling, key, usual spelling, COUNTED slot. */
interface KnownName {
  readonly lower: string;
  readonly key: string;
  readonly usual: string;
  readonly slot: number;
}

const slotOf = (key: string): number => Math.max(0, (COUNTED as readonly string[]).indexOf(key));
const KNOWN: KnownName[] = [];
for (const usual of COMMON) {
  const lower = usual.toLowerCase();
  KNOWN.push({ lower, key: lower, usual, slot: slotOf(lower) });
}
for (const [letter, key] of Object.entries(COMPACT)) {
  KNOWN.push({ lower: letter, key, usual: letter, slot: slotOf(key) });
}

/**
 * KNOWN by spelling length and first letter (its low five bits, the same for both cases): the
 * first candidate of a bucket in FIRST, the next ones chained in NEXT (index + 1; 0 ends), so
 * one name, seldom two, is compared. Flat typed arrays and string arrays: no object is read.
 */
const bucketOf = (length: number, first: number): number => length * 32 + (first & 31);
const MAX_KNOWN = Math.max(...KNOWN.map((k) => k.lower.length));
const FIRST = new Int16Array(bucketOf(MAX_KNOWN, 31) + 1);
const NEXT = new Int16Array(KNOWN.length);
const LOWER = KNOWN.map((k) => k.lower);
const USUAL = KNOWN.map((k) => k.usual);
for (let i = KNOWN.length - 1; i >= 0; i--) {
  const k = KNOWN[i] as KnownName;
  const b = bucketOf(k.lower.length, k.lower.charCodeAt(0));
  NEXT[i] = FIRST[b] as number;
  FIRST[b] = i + 1;
}

/**
 * Whether `text.slice(start, end)` is one of the common names (any case), compared in place, so
 * the parser hashes no freshly sliced name for the usual fields. -1 if not; else the index in
 * KNOWN times two, plus one when the name is spelled exactly as usual (then the parser keeps
 * the constant instead of cutting a copy out of the message). Every name it knows is a token.
 */
export function knownHeader(text: string, start: number, end: number): number {
  const length = end - start;
  if (length <= 0 || length > MAX_KNOWN) return -1;
  for (
    let next = FIRST[bucketOf(length, text.charCodeAt(start))] as number;
    next !== 0;
    next = NEXT[next - 1] as number
  ) {
    const index = next - 1;
    const lower = LOWER[index] as string;
    const usual = USUAL[index] as string;
    let exact = 1;
    let j = 0;
    for (; j < length; j++) {
      const raw = text.charCodeAt(start + j);
      // The usual spelling matches with one comparison; any other case takes the second.
      if (raw === usual.charCodeAt(j)) continue;
      exact = 0;
      if ((raw >= 65 && raw <= 90 ? raw | 0x20 : raw) !== lower.charCodeAt(j)) break;
    }
    if (j === length) return index * 2 + exact;
  }
  return -1;
}

/** The key of a knownHeader() result (not -1). */
export const knownKey = (found: number): string => (KNOWN[found >> 1] as KnownName).key;

/** The COUNTED slot of a knownHeader() result (not -1); 0 for a header not counted. */
export const knownSlot = (found: number): number => (KNOWN[found >> 1] as KnownName).slot;

/** The usual spelling of a knownHeader() result that had the exact-spelling bit set. */
export const knownSpelling = (found: number): string => (KNOWN[found >> 1] as KnownName).usual;

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
