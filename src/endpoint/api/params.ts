// Reading JSON-RPC parameters into typed values, with an error that names the parameter and
// says what was expected and what came. Parameters are by name only (JSON-RPC 2.0 §4.2 allows
// by-position too, but names are what the docs promise); unknown names are refused so that a
// misspelt option is not silently ignored.

import type { Media } from "../../coex/index.js";

export class ParamError extends Error {
  override readonly name = "ParamError";
  constructor(
    /** Dotted path of the offending parameter ("" for the params value itself). */
    readonly param: string,
    readonly problem: string,
  ) {
    super(param ? `"${param}" ${problem}` : problem);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
  }
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

export interface StringRule {
  readonly maxLength?: number;
  readonly minLength?: number;
  /** Extra check returning a problem text, or undefined when the value is fine. */
  readonly check?: (value: string) => string | undefined;
}

export class ParamReader {
  private readonly fields: Record<string, unknown>;
  private readonly seen = new Set<string>();

  constructor(params: unknown) {
    if (params === undefined) {
      this.fields = {};
    } else if (typeof params === "object" && params !== null && !Array.isArray(params)) {
      this.fields = params as Record<string, unknown>;
    } else {
      throw new ParamError(
        "",
        `params must be an object of named parameters, got ${describe(params)}`,
      );
    }
  }

  private take(name: string): unknown {
    this.seen.add(name);
    return Object.hasOwn(this.fields, name) ? this.fields[name] : undefined;
  }

  /** The raw value (for validators of their own, e.g. the policy). */
  raw(name: string): unknown {
    return this.take(name);
  }

  string(name: string, rule: StringRule = {}): string {
    const v = this.take(name);
    if (v === undefined) throw new ParamError(name, "is required");
    return checkString(name, v, rule);
  }

  optionalString(name: string, rule: StringRule = {}): string | undefined {
    const v = this.take(name);
    return v === undefined ? undefined : checkString(name, v, rule);
  }

  boolean(name: string, fallback: boolean): boolean {
    const v = this.take(name);
    if (v === undefined) return fallback;
    if (typeof v !== "boolean")
      throw new ParamError(name, `must be true or false, got ${describe(v)}`);
    return v;
  }

  integer(name: string, range: { min: number; max: number; fallback: number }): number {
    const v = this.take(name);
    if (v === undefined) return range.fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < range.min || v > range.max) {
      throw new ParamError(
        name,
        `must be a whole number from ${range.min} to ${range.max}, got ${describe(v)}`,
      );
    }
    return v;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const v = this.take(name);
    if (v === undefined && fallback !== undefined) return fallback;
    if (v === undefined) throw new ParamError(name, `is required: one of ${allowed.join(", ")}`);
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
      throw new ParamError(name, `must be one of ${allowed.join(", ")}, got ${describe(v)}`);
    }
    return v as T;
  }

  /** A list of media: non-empty, each "audio" or "video", no repeats. */
  media(name: string): Media[] {
    const v = this.take(name);
    if (v === undefined) throw new ParamError(name, 'is required: a list such as ["audio"]');
    return checkMedia(name, v);
  }

  optionalMedia(name: string): Media[] | undefined {
    const v = this.take(name);
    return v === undefined ? undefined : checkMedia(name, v);
  }

  /** Refuses names that no reader asked for. */
  done(): void {
    const extra = Object.keys(this.fields).filter((k) => !this.seen.has(k));
    if (extra.length > 0) {
      const known = [...this.seen];
      throw new ParamError(
        extra[0]!,
        `is not a parameter of this method (${known.length > 0 ? `known: ${known.join(", ")}` : "it takes none"})`,
      );
    }
  }
}

function checkString(name: string, v: unknown, rule: StringRule): string {
  if (typeof v !== "string") throw new ParamError(name, `must be a string, got ${describe(v)}`);
  const min = rule.minLength ?? 1;
  if (v.length < min) {
    throw new ParamError(
      name,
      min === 1 ? "must not be empty" : `must have at least ${min} characters`,
    );
  }
  if (rule.maxLength !== undefined && v.length > rule.maxLength) {
    throw new ParamError(name, `must have at most ${rule.maxLength} characters, got ${v.length}`);
  }
  const problem = rule.check?.(v);
  if (problem !== undefined) throw new ParamError(name, problem);
  return v;
}

function checkMedia(name: string, v: unknown): Media[] {
  if (!Array.isArray(v) || v.length === 0) {
    throw new ParamError(
      name,
      `must be a non-empty list such as ["audio", "video"], got ${describe(v)}`,
    );
  }
  const out: Media[] = [];
  for (const [i, m] of v.entries()) {
    if (m !== "audio" && m !== "video") {
      throw new ParamError(`${name}[${i}]`, `must be "audio" or "video", got ${describe(m)}`);
    }
    if (out.includes(m)) throw new ParamError(`${name}[${i}]`, `repeats "${m}"`);
    out.push(m);
  }
  return out;
}
