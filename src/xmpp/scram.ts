// SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) as mechanisms for the `saslmechanisms`
// factory @xmpp/client uses. Built on WebCrypto so they run in Node and browsers alike, and
// fast: the PBKDF2 of the password is native (the library's own SCRAM-SHA-1 computes it in
// JavaScript and takes about a second per login). No channel binding ("n,," GS2 header).
import type { SaslMechanismInstance } from "@xmpp/client";

const utf8 = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export type ScramHash = "SHA-1" | "SHA-256";
const HASH_BITS: Record<ScramHash, number> = { "SHA-1": 160, "SHA-256": 256 };

async function hmac(hash: ScramHash, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, data));
}

async function digest(hash: ScramHash, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(hash, data));
}

/** Hi() of RFC 5802 §2.2 is PBKDF2 with HMAC as the PRF. */
async function hi(
  hash: ScramHash,
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", utf8.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash, salt, iterations },
    key,
    HASH_BITS[hash],
  );
  return new Uint8Array(bits);
}

const xor = (a: Uint8Array, b: Uint8Array) => a.map((x, i) => x ^ b[i]!);

/** RFC 5802 §5.1: ',' and '=' in the user name are escaped as =2C and =3D. */
const saslName = (s: string) => s.replace(/=/g, "=3D").replace(/,/g, "=2C");

function parseAttributes(message: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of message.split(",")) {
    const eq = part.indexOf("=");
    if (eq === 1) map.set(part[0]!, part.slice(2));
  }
  return map;
}

export class ScramMechanism implements SaslMechanismInstance {
  readonly name: string;
  readonly clientFirst = true;
  private step = 0;
  private clientNonce: string;
  private clientFirstBare = "";
  private serverFirst = "";
  private expectedServerSignature: Uint8Array | undefined;

  /** `nonce` is for tests with the RFCs' worked examples; normally random. */
  constructor(
    private readonly hash: ScramHash,
    nonce?: string,
  ) {
    this.name = `SCRAM-${hash}`;
    this.clientNonce = nonce ?? toBase64(crypto.getRandomValues(new Uint8Array(18)));
  }

  async response(credentials: { username: string; password: string }): Promise<string> {
    if (this.step === 0) {
      this.step = 1;
      this.clientFirstBare = `n=${saslName(credentials.username)},r=${this.clientNonce}`;
      return `n,,${this.clientFirstBare}`;
    }
    if (this.step === 2) {
      this.step = 3;
      const attrs = parseAttributes(this.serverFirst);
      const nonce = attrs.get("r") ?? "";
      const salt = attrs.get("s");
      const iterations = Number(attrs.get("i"));
      if (
        !nonce.startsWith(this.clientNonce) ||
        !salt ||
        !Number.isInteger(iterations) ||
        iterations < 1
      ) {
        throw new Error(`${this.name}: the server's first message is malformed (RFC 5802 §5.1)`);
      }
      const h = this.hash;
      const saltedPassword = await hi(h, credentials.password, fromBase64(salt), iterations);
      const clientKey = await hmac(h, saltedPassword, utf8.encode("Client Key"));
      const storedKey = await digest(h, clientKey);
      const withoutProof = `c=biws,r=${nonce}`; // biws = base64("n,,")
      const authMessage = utf8.encode(
        `${this.clientFirstBare},${this.serverFirst},${withoutProof}`,
      );
      const clientSignature = await hmac(h, storedKey, authMessage);
      const serverKey = await hmac(h, saltedPassword, utf8.encode("Server Key"));
      this.expectedServerSignature = await hmac(h, serverKey, authMessage);
      return `${withoutProof},p=${toBase64(xor(clientKey, clientSignature))}`;
    }
    return "";
  }

  challenge(serverMessage: string): void {
    if (this.step === 1) {
      this.serverFirst = serverMessage;
      this.step = 2;
      return;
    }
    // The server-final message: verify the server knows the password too (§3).
    const v = parseAttributes(serverMessage).get("v");
    if (!v || !this.expectedServerSignature || toBase64(this.expectedServerSignature) !== v) {
      throw new Error(`${this.name}: the server's signature does not verify (RFC 5802 §3)`);
    }
  }
}

/**
 * Registry names for the `saslmechanisms` factory. The factory matches mechanisms by these
 * names, and @xmpp/client registered its own (slow) "SCRAM-SHA-1" first, so ours are registered
 * under their own names; the instances still announce the standard mechanism names on the wire.
 */
export const SCRAM_REGISTRY: Record<string, { registryName: string; hash: ScramHash }> = {
  "SCRAM-SHA-256": { registryName: "SCRAM-SHA-256", hash: "SHA-256" },
  "SCRAM-SHA-1": { registryName: "SCRAM-SHA-1 (WebCrypto)", hash: "SHA-1" },
};

export class ScramSha1Mechanism extends ScramMechanism {
  constructor(nonce?: string) {
    super("SHA-1", nonce);
  }
}

export class ScramSha256Mechanism extends ScramMechanism {
  constructor(nonce?: string) {
    super("SHA-256", nonce);
  }
}
