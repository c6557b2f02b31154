// SIP requests and responses (RFC 3261 §7). The header fields as received are the single source
// of truth; typed views (Via, From, CSeq…) are parsed from them on first use and cached, so
// every header we do not use is kept and forwarded verbatim.
import { headerKey, LIST_HEADERS } from "./header-names.js";
import { type NameAddr, parseContactList, parseNameAddr, parseNameAddrList } from "./name-addr.js";
import { fail } from "./parse-error.js";
import {
  type CSeq,
  parseCallId,
  parseContentLength,
  parseCSeq,
  parseMaxForwards,
  splitCommaList,
} from "./simple-headers.js";
import type { Uri } from "./uri.js";
import { parseFirstVia, parseViaList, type Via } from "./via.js";

export interface HeaderField {
  /** The name as received (may be compact, e.g. "v"), or canonical for ones we add. */
  readonly name: string;
  /** The value, unfolded (§7.3.1) and trimmed. */
  readonly value: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });
const EMPTY = new Uint8Array(0);

abstract class SipMessageBase {
  private _fields: HeaderField[];
  /** headerKey() of each field, kept beside them: lookups are the hot path of every layer. */
  private keys: string[];
  body: Uint8Array;
  /** Parsed typed views by header key (a plain object: faster than a Map for a few keys). */
  private cache: Record<string, unknown> | undefined;

  constructor(fields: HeaderField[], body: Uint8Array = EMPTY, keys?: string[]) {
    this._fields = fields;
    this.keys = keys ?? fields.map((f) => headerKey(f.name));
    this.body = body;
  }

  /** headerKey() of every field, in order (for the parser's checks). */
  get headerKeys(): readonly string[] {
    return this.keys;
  }

  protected get fields(): HeaderField[] {
    return this._fields;
  }

  protected set fields(value: HeaderField[]) {
    this._fields = value;
    this.keys = value.map((f) => headerKey(f.name));
  }

  /** How many fields have this (canonical) key. */
  count(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (const k of this.keys) if (k === key) n++;
    return n;
  }

  get headerFields(): readonly HeaderField[] {
    return this.fields;
  }

  /** First field's value for `name` (compact forms and case ignored). */
  get(name: string): string | undefined {
    const key = headerKey(name);
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) return (this._fields[i] as HeaderField).value;
    }
    return undefined;
  }

  getAll(name: string): string[] {
    const key = headerKey(name);
    const keys = this.keys;
    const out: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) out.push((this._fields[i] as HeaderField).value);
    }
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Values of a list header split at commas across all its fields (§7.3.1). */
  list(name: string): string[] {
    return this.getAll(name).flatMap(splitCommaList);
  }

  /** Replaces every field of `name` with one (kept at the first one's position). */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const i = this.fields.findIndex((f) => headerKey(f.name) === key);
    const rest = this.fields.filter((f) => headerKey(f.name) !== key);
    if (i < 0) rest.push({ name, value });
    else rest.splice(Math.min(i, rest.length), 0, { name, value });
    this.fields = rest;
    if (this.cache) {
      delete this.cache[key];
      if (key === "via") delete this.cache["via-top"];
    }
    return this;
  }

  append(name: string, value: string): this {
    this._fields.push({ name, value });
    this.keys.push(headerKey(name));
    if (this.cache) {
      delete this.cache[headerKey(name)];
      delete this.cache["via-top"];
    }
    return this;
  }

  /** Adds a field before the first field of that name (Via, Route: topmost first). */
  prepend(name: string, value: string): this {
    const key = headerKey(name);
    const fields = [...this._fields];
    const i = fields.findIndex((f) => headerKey(f.name) === key);
    if (i < 0) fields.push({ name, value });
    else fields.splice(i, 0, { name, value });
    this.fields = fields;
    if (this.cache) {
      delete this.cache[key];
      if (key === "via") delete this.cache["via-top"];
    }
    return this;
  }

  remove(name: string): this {
    const key = headerKey(name);
    this.fields = this.fields.filter((f) => headerKey(f.name) !== key);
    if (this.cache) {
      delete this.cache[key];
      if (key === "via") delete this.cache["via-top"];
    }
    return this;
  }

  /** Removes the topmost value of a list header (the top Via, the first Route). */
  removeFirstValue(name: string): this {
    const key = headerKey(name);
    const i = this.fields.findIndex((f) => headerKey(f.name) === key);
    if (i < 0) return this;
    const fields = [...this._fields];
    const field = fields[i] as HeaderField;
    const values = splitCommaList(field.value);
    if (values.length <= 1) fields.splice(i, 1);
    else fields[i] = { name: field.name, value: values.slice(1).join(", ") };
    this.fields = fields;
    if (this.cache) {
      delete this.cache[key];
      if (key === "via") delete this.cache["via-top"];
    }
    return this;
  }

  protected cached<T>(key: string, parse: () => T): T {
    if (!this.cache) this.cache = {};
    else if (key in this.cache) return this.cache[key] as T;
    const v = parse();
    this.cache[key] = v;
    return v;
  }

  private required(name: string): string {
    const v = this.get(name);
    if (v === undefined) fail("missing-header", "header is missing", name);
    return v;
  }

  /** All Via values, topmost first. */
  vias(): Via[] {
    return this.cached("via", () => {
      const out: Via[] = [];
      for (const value of this.getAll("via")) for (const v of parseViaList(value)) out.push(v);
      return out;
    });
  }

  /** The topmost Via, parsed on its own: the others matter to proxies, not to a UA. */
  topVia(): Via {
    return this.cached("via-top", () => {
      const all = this.cache?.via as Via[] | undefined;
      if (all?.[0]) return all[0];
      const first = this.get("via");
      if (first === undefined) fail("missing-header", "header is missing", "Via");
      return parseFirstVia(first);
    });
  }

  from(): NameAddr {
    return this.cached("from", () => parseNameAddr(this.required("From"), "From"));
  }

  to(): NameAddr {
    return this.cached("to", () => parseNameAddr(this.required("To"), "To"));
  }

  callId(): string {
    return this.cached("call-id", () => parseCallId(this.required("Call-ID")));
  }

  cseq(): CSeq {
    return this.cached("cseq", () => parseCSeq(this.required("CSeq")));
  }

  maxForwards(): number | undefined {
    return this.cached("max-forwards", () => {
      const v = this.get("Max-Forwards");
      return v === undefined ? undefined : parseMaxForwards(v);
    });
  }

  contentLength(): number | undefined {
    return this.cached("content-length", () => {
      const v = this.get("Content-Length");
      return v === undefined ? undefined : parseContentLength(v);
    });
  }

  /** Contact values; "*" for the REGISTER wildcard (§10.2.2). */
  contacts(): NameAddr[] | "*" {
    return this.cached("contact", () => {
      const all = this.getAll("contact");
      if (all.length === 1 && all[0]?.trim() === "*") return "*" as const;
      return all.flatMap((v) => {
        const parsed = parseContactList(v);
        if (parsed === "*") fail("header-value", `"*" mixed with other contacts`, "Contact");
        return parsed;
      });
    });
  }

  routes(): NameAddr[] {
    return this.cached("route", () =>
      this.getAll("route").flatMap((v) => parseNameAddrList(v, "Route")),
    );
  }

  recordRoutes(): NameAddr[] {
    return this.cached("record-route", () =>
      this.getAll("record-route").flatMap((v) => parseNameAddrList(v, "Record-Route")),
    );
  }

  /** Media type without parameters, lower case ("application/sdp"). */
  contentType(): string | undefined {
    const v = this.get("Content-Type");
    if (v === undefined) return undefined;
    return (v.split(";")[0] ?? "").trim().toLowerCase();
  }

  bodyText(): string {
    return this.body.length === 0 ? "" : utf8.decode(this.body);
  }
}

export class SipRequest extends SipMessageBase {
  readonly kind = "request" as const;
  constructor(
    public method: string,
    public uri: Uri,
    fields: HeaderField[] = [],
    body?: Uint8Array,
    public version = "SIP/2.0",
    keys?: string[],
  ) {
    super(fields, body, keys);
  }
}

export class SipResponse extends SipMessageBase {
  readonly kind = "response" as const;
  constructor(
    public status: number,
    public reason: string,
    fields: HeaderField[] = [],
    body?: Uint8Array,
    public version = "SIP/2.0",
    keys?: string[],
  ) {
    super(fields, body, keys);
  }
}

export type SipMessage = SipRequest | SipResponse;

export const isListHeader = (name: string): boolean => LIST_HEADERS.has(headerKey(name));
