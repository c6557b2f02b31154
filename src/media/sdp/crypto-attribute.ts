// a=crypto (RFC 4568 §9.1): "tag suite inline:KEY||SALT[|lifetime][|MKI:len]". We only speak
// AES_CM_128_HMAC_SHA1_80 (RFC 4568 §6.2.1), the suite every SDES peer supports.

export const SRTP_SUITE = "AES_CM_128_HMAC_SHA1_80";
const KEY_LENGTH = 16;
const SALT_LENGTH = 14;

export interface SdesKey {
  readonly masterKey: Buffer;
  readonly masterSalt: Buffer;
}

export interface CryptoLine {
  readonly tag: number;
  readonly suite: string;
  readonly key: SdesKey;
}

/**
 * Parses one a=crypto value (as split by sdp-transform into id, suite, config). Returns undefined
 * for suites or key parameters we do not support — several keys, MKI, or a key of the wrong length
 * — which the caller treats as "not offered" rather than an error (RFC 4568 §7.1.1).
 */
export function parseCryptoLine(line: {
  id: number;
  suite: string;
  config: string;
  sessionConfig?: string;
}): CryptoLine | undefined {
  if (line.suite.toUpperCase() !== SRTP_SUITE) return undefined;
  // Session parameters such as UNENCRYPTED_SRTP change the protection we would apply.
  if (line.sessionConfig && line.sessionConfig.trim() !== "") return undefined;
  const keyParams = line.config.split(";");
  if (keyParams.length !== 1) return undefined;
  const m = /^inline:([A-Za-z0-9+/=]+)(\|[^|]*)?(\|[^|]*)?$/.exec(keyParams[0]!.trim());
  if (!m) return undefined;
  // A lifetime we accept; an MKI ("n:len") we do not, since we send no MKI field.
  for (const extra of [m[2], m[3]]) {
    if (extra?.includes(":")) return undefined;
  }
  const raw = Buffer.from(m[1]!, "base64");
  if (raw.length !== KEY_LENGTH + SALT_LENGTH) return undefined;
  return {
    tag: line.id,
    suite: SRTP_SUITE,
    key: { masterKey: raw.subarray(0, KEY_LENGTH), masterSalt: raw.subarray(KEY_LENGTH) },
  };
}

/** The inline key parameter for our own a=crypto line. */
export function formatKeyParams(key: SdesKey): string {
  return `inline:${Buffer.concat([key.masterKey, key.masterSalt]).toString("base64")}`;
}

/** Makes a fresh master key and salt from the given random source (node:crypto in production). */
export function makeSdesKey(randomBytes: (n: number) => Buffer): SdesKey {
  return { masterKey: randomBytes(KEY_LENGTH), masterSalt: randomBytes(SALT_LENGTH) };
}
