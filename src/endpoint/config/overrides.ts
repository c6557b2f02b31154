// The daemon's command-line overrides (issue 6): `duet daemon --config FILE` plus flags that
// win over the file. Each flag is validated by the same parser as its config key, and errors
// name the flag, since that is where the user has to fix it.

import { resolve } from "node:path";
import type { ConfigIssue } from "./errors.js";
import {
  type AudioSourceSpec,
  type HostPort,
  parseAudioSource,
  parseHostPort,
  parseToken,
  parseVideoSource,
  type VideoSourceSpec,
} from "./fields.js";

/** Flag values as given on the command line. */
export interface DaemonOverrides {
  readonly api?: string;
  readonly apiToken?: string;
  readonly autoAnswer?: boolean;
  readonly audio?: string;
  readonly video?: string;
  readonly record?: string;
  readonly store?: string;
}

/** The flags with a value, by flag name. */
const VALUE_FLAGS = {
  "--api": "api",
  "--api-token": "apiToken",
  "--audio": "audio",
  "--video": "video",
  "--record": "record",
  "--store": "store",
} as const satisfies Record<string, keyof DaemonOverrides>;

export const DAEMON_FLAGS_USAGE = `  --api HOST:PORT        where the API listens (default 127.0.0.1:0, port 0 picks one)
  --api-token T          the API's bearer token
  --auto-answer          answer incoming calls at once
  --audio SOURCE         tone:HZ, file:PATH.wav or silence
  --video SOURCE         file:PATH.ivf or none
  --record DIR           write received audio and video of each call into DIR
  --store PATH           the SQLite database file`;

/**
 * Takes the override flags out of an argument list (`--flag value` or `--flag=value`); what is
 * not an override flag is returned in `rest` for the caller to handle.
 */
export function extractDaemonOverrides(argv: readonly string[]): {
  overrides: DaemonOverrides;
  rest: string[];
  issues: ConfigIssue[];
} {
  const overrides: Record<string, string | boolean> = {};
  const rest: string[] = [];
  const issues: ConfigIssue[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === "--auto-answer") {
      if (eq > 0) issues.push({ path: flag, message: "takes no value — write just --auto-answer" });
      overrides.autoAnswer = true;
      continue;
    }
    if (!(flag in VALUE_FLAGS)) {
      rest.push(arg);
      continue;
    }
    const key = VALUE_FLAGS[flag as keyof typeof VALUE_FLAGS];
    const value = eq > 0 && flag !== arg ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (flag === arg && value.startsWith("--"))) {
      issues.push({ path: flag, message: "needs a value — see `duet daemon --help`" });
      if (value !== undefined) i--;
      continue;
    }
    overrides[key] = value;
  }
  return { overrides: overrides as DaemonOverrides, rest, issues };
}

/** Overrides after validation; paths are absolute (relative ones are taken from `cwd`). */
export interface ParsedOverrides {
  readonly api?: HostPort;
  readonly apiToken?: string;
  readonly autoAnswer?: boolean;
  readonly audio?: AudioSourceSpec;
  readonly video?: VideoSourceSpec;
  readonly record?: string;
  readonly store?: string;
}

export function parseDaemonOverrides(
  o: DaemonOverrides,
  cwd: string,
): { overrides: ParsedOverrides; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const out: {
    -readonly [K in keyof ParsedOverrides]: ParsedOverrides[K];
  } = {};
  const take = <T>(flag: string, r: { ok: true; value: T } | { ok: false; message: string }) => {
    if (r.ok) return r.value;
    issues.push({ path: flag, message: r.message });
    return undefined;
  };
  const path = (flag: string, p: string) => {
    if (p === "") issues.push({ path: flag, message: "must not be empty — give a path" });
    return p === "" ? undefined : resolve(cwd, p);
  };
  if (o.api !== undefined) out.api = take("--api", parseHostPort(o.api));
  if (o.apiToken !== undefined) out.apiToken = take("--api-token", parseToken(o.apiToken));
  if (o.autoAnswer !== undefined) out.autoAnswer = o.autoAnswer;
  if (o.audio !== undefined) {
    const a = take("--audio", parseAudioSource(o.audio));
    out.audio = a?.kind === "file" ? { kind: "file", path: resolve(cwd, a.path) } : a;
  }
  if (o.video !== undefined) {
    const v = take("--video", parseVideoSource(o.video));
    out.video = v?.kind === "file" ? { kind: "file", path: resolve(cwd, v.path) } : v;
  }
  if (o.record !== undefined) out.record = path("--record", o.record);
  if (o.store !== undefined) out.store = path("--store", o.store);
  for (const k of Object.keys(out) as (keyof ParsedOverrides)[]) {
    if (out[k] === undefined) delete out[k];
  }
  return { overrides: out, issues };
}
