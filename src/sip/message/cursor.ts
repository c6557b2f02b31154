// A position in a header value, with the small lexical steps of RFC 3261 §25.1 (LWS, token,
// quoted-string, generic-param). Header values reach it already unfolded (§7.3.1).
import { TOKEN } from "./charsets.js";
import { fail } from "./parse-error.js";

/** A header parameter as received: `value` keeps its quotes if it was quoted; null if bare. */
export interface HeaderParam {
  readonly name: string;
  readonly value: string | null;
}

/** A lookup table for a set of ASCII stop characters (built once, at module load). */
export function stopSet(stops: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < stops.length; i++) t[stops.charCodeAt(i)] = 1;
  return t;
}

/** Where a param value, a sent-by or an addr-spec ends. */
export const END_OF_VALUE = stopSet(';, \t\r\n"<>');
export const END_OF_ITEM = stopSet(";, \t\r\n");

/** LWS as the cursor skips it: SP, HTAB, CR, LF (values reach it unfolded). */
const isLws = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

export class Cursor {
  i = 0;
  constructor(
    readonly s: string,
    /** Header name for error messages. */
    readonly where: string,
  ) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  peek(): number {
    return this.i < this.s.length ? this.s.charCodeAt(this.i) : -1;
  }

  skipWs(): void {
    // Locals, not this.i, in the loops of this class: the position stays in a register.
    const s = this.s;
    let i = this.i;
    while (i < s.length && isLws(s.charCodeAt(i))) i++;
    this.i = i;
  }

  /** Skips LWS and consumes `ch` if it is next; true if it was. */
  eat(ch: string): boolean {
    this.skipWs();
    // charCodeAt, not s[i]: indexing would build a one-character string per call.
    if (this.s.charCodeAt(this.i) === ch.charCodeAt(0)) {
      this.i++;
      return true;
    }
    return false;
  }

  expect(ch: string, what: string): void {
    if (!this.eat(ch)) this.error(`expected ${what}`);
  }

  token(): string {
    const start = this.i;
    this.skipToken();
    return this.s.slice(start, this.i);
  }

  /** Moves past a token without cutting it out. */
  skipToken(): void {
    const s = this.s;
    let i = this.i;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c >= 128 || TOKEN[c] === 0) break;
      i++;
    }
    this.i = i;
  }

  requireToken(what: string): string {
    this.skipWs();
    const t = this.token();
    if (t.length === 0) this.error(`expected ${what}`);
    return t;
  }

  /** quoted-string at the cursor, returned with its quotes and escapes as received. */
  quotedRaw(): string {
    const s = this.s;
    const start = this.i;
    if (s.charCodeAt(start) !== 34) this.error("expected a quoted string");
    let i = start + 1;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 92) {
        if (i + 1 >= s.length) break;
        i += 2;
        continue;
      }
      i++;
      if (c === 34) {
        this.i = i;
        return s.slice(start, i);
      }
    }
    this.i = i;
    return this.error(`unterminated quoted string ${s.slice(start, start + 40)}`);
  }

  /** The text up to (not including) the first `ch`, or the end (indexOf: no per-char loop). */
  upTo(ch: string): string {
    const start = this.i;
    const at = this.s.indexOf(ch, start);
    this.i = at < 0 ? this.s.length : at;
    return this.s.slice(start, this.i);
  }

  /** The text up to (not including) the first character in `table` (see stopSet), or the end. */
  until(table: Uint8Array): string {
    const start = this.i;
    const s = this.s;
    let i = this.i;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c < 128 && table[c] === 1) break;
      i++;
    }
    this.i = i;
    return s.slice(start, i);
  }

  /** `*( SEMI generic-param )`: gen-value = token / host / quoted-string. */
  params(): HeaderParam[] {
    const out: HeaderParam[] = [];
    const s = this.s;
    const n = s.length;
    let i = this.i;
    for (;;) {
      let j = i;
      while (j < n && isLws(s.charCodeAt(j))) j++;
      if (j >= n || s.charCodeAt(j) !== 59) {
        this.i = i;
        return out;
      }
      j++;
      while (j < n && isLws(s.charCodeAt(j))) j++;
      const nameStart = j;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (c >= 128 || TOKEN[c] === 0) break;
        j++;
      }
      if (j === nameStart) {
        this.i = j;
        this.error("empty parameter (stray ';')");
      }
      const name = s.slice(nameStart, j);
      let k = j;
      while (k < n && isLws(s.charCodeAt(k))) k++;
      if (k < n && s.charCodeAt(k) === 61) {
        k++;
        while (k < n && isLws(s.charCodeAt(k))) k++;
        let value: string;
        if (k < n && s.charCodeAt(k) === 34) {
          this.i = k;
          value = this.quotedRaw();
          k = this.i;
        } else {
          // token / host; hosts add ':' '[' ']' (RFC 5118 §4.5: received=IPv6 with or without
          // brackets must both be read).
          const valueStart = k;
          while (k < n) {
            const c = s.charCodeAt(k);
            if (c < 128 && END_OF_VALUE[c] === 1) break;
            k++;
          }
          if (k === valueStart) {
            this.i = k;
            this.error(`parameter "${name}" has "=" but no value`);
          }
          value = s.slice(valueStart, k);
        }
        out.push({ name, value });
        i = k;
      } else {
        out.push({ name, value: null });
        i = j;
      }
    }
  }

  error(message: string): never {
    const at = this.s.length > 60 ? `${this.s.slice(0, 60)}…` : this.s;
    return fail("header-value", `${message} at offset ${this.i} in "${at}"`, this.where);
  }
}

/** The unquoted content of a quoted-string (quoted-pair resolved). */
export function unquote(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  const inner = raw.slice(1, -1);
  return inner.indexOf("\\") < 0 ? inner : inner.replace(/\\([\s\S])/g, "$1");
}

/** A quoted-string for a value we send. */
export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, "\\$&")}"`;
}

export function paramValue(
  params: readonly HeaderParam[],
  name: string,
): string | null | undefined {
  // Names compare case-insensitively (§7.3.1); an exact match, the usual case, needs no copy.
  let lower: string | undefined;
  for (const p of params) {
    if (p.name === name) return p.value;
    if (p.name.length !== name.length) continue;
    lower ??= name.toLowerCase();
    if (p.name.toLowerCase() === lower) return p.value;
  }
  return undefined;
}

export function formatParams(params: readonly HeaderParam[]): string {
  let out = "";
  for (const p of params) out += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
  return out;
}
