// SIP requests and responses (RFC 3261 §7). The header fields as received are the single source
// of truth; typed views (Via, From, CSeq…) are parsed from them on first use and cached, so
// every header we do not use is kept and forwarded verbatim.
import { headerKey, LIST_HEADERS } from "./header-names.js";
import {
  checkAddressList,
  type NameAddr,
  parseContactList,
  parseNameAddr,
  parseNameAddrList,
  tagOf,
  tagOfAddress,
} from "./name-addr.js";
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

/**
 * Header fields as the parser read them, their values still inside the header text: a value
 * becomes a string when first read, and HeaderField objects are made only when a caller asks
 * for the fields (most fields of a message are only ever forwarded, or ignored).
 */
export interface FieldSpans {
  readonly text: string;
  /** Each field's name as received. */
  readonly names: string[];
  /** Start and end of each value in `text`; a start of -1 means the value is in `unfolded`. */
  readonly spans: number[];
  /** Values of folded fields (§7.3.1), already unfolded, by field index. */
  readonly unfolded: Map<number, string> | undefined;
  /** Index of the first field of each COUNTED header (header-names.ts) by slot, -1 if none. */
  readonly firsts: number[];
}

/** Value `i` of `raw`. */
export function spanValue(raw: FieldSpans, i: number): string {
  const start = raw.spans[2 * i] as number;
  if (start < 0) return raw.unfolded?.get(i) ?? "";
  return raw.text.slice(start, raw.spans[2 * i + 1]);
}

/** The fields of `raw` as HeaderField objects. */
export function spanFields(raw: FieldSpans): HeaderField[] {
  return raw.names.map((name, i) => ({ name, value: spanValue(raw, i) }));
}

const utf8 = new TextDecoder("utf-8", { fatal: false });
const EMPTY = new Uint8Array(0);

/** Marks a typed view not parsed yet (undefined is a valid parsed value, e.g. no Max-Forwards). */
const UNSET: unique symbol = Symbol("unset");
type Slot<T> = T | typeof UNSET;

abstract class SipMessageBase {
  /** The fields, once made (see `raw`). */
  private _fields: HeaderField[] | undefined;
  /** The fields as parsed, until someone asks for HeaderField objects. */
  private raw: FieldSpans | undefined;
  /** FieldSpans.firsts while the fields are as parsed: the typed views' lookups, at once. */
  private firsts: number[] | undefined;
  /** headerKey() of each field, kept beside them: lookups are the hot path of every layer. */
  private keys: string[];
  body: Uint8Array;
  // Parsed typed views, one fixed slot each: every message gets the same object shape, which
  // keeps the parser's hot path monomorphic (a keyed cache object was a visible cost).
  private _vias: Slot<Via[]> = UNSET;
  private _topVia: Slot<Via> = UNSET;
  private _from: Slot<NameAddr> = UNSET;
  private _to: Slot<NameAddr> = UNSET;
  private _fromTag: Slot<string | undefined> = UNSET;
  private _toTag: Slot<string | undefined> = UNSET;
  private _callId: Slot<string> = UNSET;
  private _cseq: Slot<CSeq> = UNSET;
  private _maxForwards: Slot<number | undefined> = UNSET;
  private _contentLength: Slot<number | undefined> = UNSET;
  private _contacts: Slot<NameAddr[] | "*"> = UNSET;
  private _routes: Slot<NameAddr[]> = UNSET;
  private _recordRoutes: Slot<NameAddr[]> = UNSET;

  /** `keys` (headerKey() of each field) must be given with FieldSpans. */
  constructor(fields: HeaderField[] | FieldSpans, body: Uint8Array = EMPTY, keys?: string[]) {
    if (Array.isArray(fields)) {
      this._fields = fields;
      this.raw = undefined;
      this.firsts = undefined;
      this.keys = keys ?? fields.map((f) => headerKey(f.name));
    } else {
      this._fields = undefined;
      this.raw = fields;
      this.firsts = fields.firsts;
      this.keys = keys ?? fields.names.map(headerKey);
    }
    this.body = body;
  }

  /** headerKey() of every field, in order (for the parser's checks). */
  get headerKeys(): readonly string[] {
    return this.keys;
  }

  protected get fields(): HeaderField[] {
    if (this._fields === undefined) {
      this._fields = spanFields(this.raw as FieldSpans);
      this.raw = undefined;
    }
    return this._fields;
  }

  protected set fields(value: HeaderField[]) {
    this._fields = value;
    this.raw = undefined;
    this.firsts = undefined;
    this.keys = value.map((f) => headerKey(f.name));
  }

  /** Value of field `i`, cut out of the header text if the fields are not made yet. */
  private valueAt(i: number): string {
    const fields = this._fields;
    if (fields !== undefined) return (fields[i] as HeaderField).value;
    return spanValue(this.raw as FieldSpans, i);
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
    return this.firstOf(headerKey(name));
  }

  /** First field's value for a header key (already headerKey()'d: the typed views' path). */
  private firstOf(key: string): string | undefined {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) return this.valueAt(i);
    }
    return undefined;
  }

  getAll(name: string): string[] {
    return this.allOf(headerKey(name));
  }

  private allOf(key: string): string[] {
    const keys = this.keys;
    const out: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) out.push(this.valueAt(i));
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
    this.forget(key);
    return this;
  }

  append(name: string, value: string): this {
    this.fields.push({ name, value });
    this.keys.push(headerKey(name));
    this.firsts = undefined;
    this.forget(headerKey(name));
    return this;
  }

  /** Adds a field before the first field of that name (Via, Route: topmost first). */
  prepend(name: string, value: string): this {
    const key = headerKey(name);
    const fields = [...this.fields];
    const i = fields.findIndex((f) => headerKey(f.name) === key);
    if (i < 0) fields.push({ name, value });
    else fields.splice(i, 0, { name, value });
    this.fields = fields;
    this.forget(key);
    return this;
  }

  remove(name: string): this {
    const key = headerKey(name);
    this.fields = this.fields.filter((f) => headerKey(f.name) !== key);
    this.forget(key);
    return this;
  }

  /** Removes the topmost value of a list header (the top Via, the first Route). */
  removeFirstValue(name: string): this {
    const key = headerKey(name);
    const i = this.fields.findIndex((f) => headerKey(f.name) === key);
    if (i < 0) return this;
    const fields = [...this.fields];
    const field = fields[i] as HeaderField;
    const values = splitCommaList(field.value);
    if (values.length <= 1) fields.splice(i, 1);
    else fields[i] = { name: field.name, value: values.slice(1).join(", ") };
    this.fields = fields;
    this.forget(key);
    return this;
  }

  /** Drops the typed view of a header whose fields changed. */
  private forget(key: string): void {
    switch (key) {
      case "via":
        this._vias = UNSET;
        this._topVia = UNSET;
        break;
      case "from":
        this._from = UNSET;
        this._fromTag = UNSET;
        break;
      case "to":
        this._to = UNSET;
        this._toTag = UNSET;
        break;
      case "call-id":
        this._callId = UNSET;
        break;
      case "cseq":
        this._cseq = UNSET;
        break;
      case "max-forwards":
        this._maxForwards = UNSET;
        break;
      case "content-length":
        this._contentLength = UNSET;
        break;
      case "contact":
        this._contacts = UNSET;
        break;
      case "route":
        this._routes = UNSET;
        break;
      case "record-route":
        this._recordRoutes = UNSET;
        break;
    }
  }

  /** firstOf(key) for the COUNTED header in `slot`, by the parser's index while it holds. */
  private firstOfSlot(slot: number, key: string): string | undefined {
    const firsts = this.firsts;
    if (firsts === undefined) return this.firstOf(key);
    const i = firsts[slot] as number;
    return i < 0 ? undefined : this.valueAt(i);
  }

  private required(slot: number, key: string, name: string): string {
    const v = this.firstOfSlot(slot, key);
    if (v === undefined) fail("missing-header", "header is missing", name);
    return v;
  }

  /** All Via values, topmost first. */
  vias(): Via[] {
    if (this._vias !== UNSET) return this._vias;
    const out: Via[] = [];
    for (const value of this.allOf("via")) for (const v of parseViaList(value)) out.push(v);
    this._vias = out;
    return out;
  }

  /** The topmost Via, parsed on its own: the others matter to proxies, not to a UA. */
  topVia(): Via {
    if (this._topVia !== UNSET) return this._topVia;
    let top: Via;
    if (this._vias !== UNSET && this._vias[0]) {
      top = this._vias[0];
    } else {
      const first = this.firstOfSlot(1, "via");
      if (first === undefined) fail("missing-header", "header is missing", "Via");
      top = parseFirstVia(first);
    }
    this._topVia = top;
    return top;
  }

  /** From (§20.20), URI included: parsed on first use. */
  from(): NameAddr {
    if (this._from === UNSET) this._from = parseNameAddr(this.required(2, "from", "From"), "From");
    return this._from;
  }

  /** To (§20.39), URI included: parsed on first use. */
  to(): NameAddr {
    if (this._to === UNSET) this._to = parseNameAddr(this.required(3, "to", "To"), "To");
    return this._to;
  }

  /**
   * The From tag (§19.3), which transactions and dialogs match on. The field is checked as a
   * name-addr with parameters, its URI only delimited: from() parses that when it is needed.
   */
  fromTag(): string | undefined {
    if (this._fromTag === UNSET) {
      this._fromTag =
        this._from !== UNSET
          ? tagOf(this._from)
          : tagOfAddress(this.required(2, "from", "From"), "From");
    }
    return this._fromTag;
  }

  /** The To tag, as fromTag(). */
  toTag(): string | undefined {
    if (this._toTag === UNSET) {
      this._toTag =
        this._to !== UNSET ? tagOf(this._to) : tagOfAddress(this.required(3, "to", "To"), "To");
    }
    return this._toTag;
  }

  callId(): string {
    if (this._callId === UNSET) this._callId = parseCallId(this.required(4, "call-id", "Call-ID"));
    return this._callId;
  }

  cseq(): CSeq {
    if (this._cseq === UNSET) this._cseq = parseCSeq(this.required(5, "cseq", "CSeq"));
    return this._cseq;
  }

  maxForwards(): number | undefined {
    if (this._maxForwards === UNSET) {
      const v = this.firstOfSlot(6, "max-forwards");
      this._maxForwards = v === undefined ? undefined : parseMaxForwards(v);
    }
    return this._maxForwards;
  }

  contentLength(): number | undefined {
    if (this._contentLength === UNSET) {
      const v = this.firstOfSlot(7, "content-length");
      this._contentLength = v === undefined ? undefined : parseContentLength(v);
    }
    return this._contentLength;
  }

  /** Contact values; "*" for the REGISTER wildcard (§10.2.2). */
  contacts(): NameAddr[] | "*" {
    if (this._contacts !== UNSET) return this._contacts;
    const all = this.allOf("contact");
    let parsed: NameAddr[] | "*";
    if (all.length === 1 && all[0]?.trim() === "*") {
      parsed = "*";
    } else {
      parsed = [];
      for (const v of all) {
        const one = parseContactList(v);
        if (one === "*") fail("header-value", `"*" mixed with other contacts`, "Contact");
        for (const na of one) parsed.push(na);
      }
    }
    this._contacts = parsed;
    return parsed;
  }

  /**
   * Checks Contact as contacts() reads it, but leaves the URIs, only delimited, to contacts():
   * the parser's check of dialog-forming messages (the user agent reads them on receipt).
   */
  checkContacts(): void {
    if (this._contacts !== UNSET) return;
    const all = this.allOf("contact");
    if (all.length === 1 && all[0]?.trim() === "*") return;
    for (const v of all) {
      if (v.trim() === "*") fail("header-value", `"*" mixed with other contacts`, "Contact");
      checkAddressList(v, "Contact");
    }
  }

  routes(): NameAddr[] {
    if (this._routes === UNSET) this._routes = this.nameAddrs("route", "Route");
    return this._routes;
  }

  recordRoutes(): NameAddr[] {
    if (this._recordRoutes === UNSET) {
      this._recordRoutes = this.nameAddrs("record-route", "Record-Route");
    }
    return this._recordRoutes;
  }

  private nameAddrs(key: string, header: string): NameAddr[] {
    const out: NameAddr[] = [];
    for (const v of this.allOf(key)) for (const na of parseNameAddrList(v, header)) out.push(na);
    return out;
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
    fields: HeaderField[] | FieldSpans = [],
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
    fields: HeaderField[] | FieldSpans = [],
    body?: Uint8Array,
    public version = "SIP/2.0",
    keys?: string[],
  ) {
    super(fields, body, keys);
  }
}

export type SipMessage = SipRequest | SipResponse;

export const isListHeader = (name: string): boolean => LIST_HEADERS.has(headerKey(name));
