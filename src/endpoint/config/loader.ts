// Loading a config file for the daemon: parse (JSON with comments), validate, resolve relative
// paths against the file's folder, read the secrets, check the files it names, apply the
// daemon flags. Every problem of every step is collected into one ConfigError.

import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import type { Policy } from "../../coex/index.js";
import { ConfigError, type ConfigIssue } from "./errors.js";
import type { AudioSourceSpec, VideoSourceSpec } from "./fields.js";
import { parseJsonWithComments } from "./jsonc.js";
import { type DaemonOverrides, parseDaemonOverrides } from "./overrides.js";
import type { ParsedEndpointConfig } from "./schema.js";
import {
  exposedMode,
  modeString,
  readSecretEnv,
  readSecretFile,
  type SecretResult,
} from "./secrets.js";
import { inFileOrder, validateEndpointConfig } from "./validate.js";

type Parsed = ParsedEndpointConfig;
type SecretKeys = "password" | "passwordEnv" | "passwordFile";

/** A ready configuration: secrets read, paths absolute, flags applied. */
export interface EndpointConfig {
  /** The file it came from (absolute). */
  readonly file: string;
  readonly name?: string;
  readonly xmpp: Omit<Parsed["xmpp"], SecretKeys | "tls"> & {
    readonly password: string;
    readonly tls: "required" | "direct" | "none";
  };
  readonly sip: Omit<Parsed["sip"], SecretKeys | "username" | "realm"> & {
    readonly password: string;
    readonly username: string;
    readonly realm: string;
  };
  readonly tls: { readonly caFile?: string };
  readonly media: Omit<Parsed["media"], "audio" | "video"> & {
    readonly audio: AudioSourceSpec;
    readonly video: VideoSourceSpec;
  };
  readonly daemon: Omit<Parsed["daemon"], "apiToken" | "apiTokenFile" | "store"> & {
    /** Unset when neither the file nor --api-token gives one; the daemon decides then. */
    readonly apiToken?: string;
    readonly store: string;
  };
  readonly policy: Policy;
  readonly coex: { readonly enabled: boolean };
}

export interface LoadOptions {
  /** Daemon flags; they win over the file. */
  readonly overrides?: DaemonOverrides;
  /** Where passwordEnv variables are looked up (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder that relative paths in the flags are taken from (default process.cwd()). */
  readonly cwd?: string;
}

/** A path from the file: `~/` is the home folder, relative paths start at the file's folder. */
function pathFrom(base: string, p: string): string {
  if (p === "~" || p.startsWith("~/")) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(base, p);
}

function readableFile(path: string, key: string, what: string): ConfigIssue | null {
  try {
    if (!statSync(path).isFile())
      return { path: key, message: `${path} is not a file — point it at ${what}` };
    accessSync(path, constants.R_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code})`;
    return { path: key, message: `${path} ${why} — point it at ${what}` };
  }
}

interface SecretSource {
  readonly password?: string;
  readonly passwordEnv?: string;
  readonly passwordFile?: string;
}

interface SecretContext {
  readonly base: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fileMode: number | null;
  readonly file: string;
}

function resolvePassword(
  section: "xmpp" | "sip",
  s: SecretSource,
  ctx: SecretContext,
): SecretResult {
  if (s.passwordFile !== undefined) {
    return readSecretFile(pathFrom(ctx.base, s.passwordFile), `${section}.passwordFile`);
  }
  if (s.passwordEnv !== undefined)
    return readSecretEnv(s.passwordEnv, `${section}.passwordEnv`, ctx.env);
  if (ctx.fileMode !== null && exposedMode(ctx.fileMode)) {
    return {
      ok: false,
      issue: {
        path: `${section}.password`,
        message: `the password is written in ${ctx.file}, which group or others can read (mode ${modeString(ctx.fileMode)}) — run \`chmod 600 ${ctx.file}\` or move the password to a passwordFile`,
      },
    };
  }
  return { ok: true, value: s.password! };
}

/**
 * The secret problems of a config that failed validation elsewhere: each account whose one
 * password source is a string is checked as it would be after validation.
 */
function secretIssuesOfRaw(raw: unknown, ctx: SecretContext): ConfigIssue[] {
  if (typeof raw !== "object" || raw === null) return [];
  const issues: ConfigIssue[] = [];
  for (const section of ["xmpp", "sip"] as const) {
    const s = (raw as Record<string, unknown>)[section] as Record<string, unknown> | undefined;
    if (typeof s !== "object" || s === null) continue;
    const given = (["password", "passwordEnv", "passwordFile"] as const).filter((k) => k in s);
    if (given.length !== 1 || typeof s[given[0]!] !== "string" || s[given[0]!] === "") continue;
    const r = resolvePassword(section, { [given[0]!]: s[given[0]!] as string }, ctx);
    if (!r.ok) issues.push(r.issue);
  }
  return issues;
}

/**
 * Turns a validated config into a ready one. `fileMode` is the config file's mode, used to
 * refuse inline passwords in a file others can read (null: not from a file).
 */
export function resolveEndpointConfig(
  parsed: ParsedEndpointConfig,
  file: string,
  fileMode: number | null,
  opts: LoadOptions = {},
): { config: EndpointConfig | null; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const base = dirname(file);
  const env = opts.env ?? process.env;
  const ctx = { base, env, fileMode, file };
  const secret = (r: SecretResult): string => {
    if (r.ok) return r.value;
    issues.push(r.issue);
    return "";
  };
  const xmppPassword = secret(resolvePassword("xmpp", parsed.xmpp, ctx));
  const sipPassword = secret(resolvePassword("sip", parsed.sip, ctx));
  const apiToken =
    parsed.daemon.apiTokenFile !== undefined
      ? secret(readSecretFile(pathFrom(base, parsed.daemon.apiTokenFile), "daemon.apiTokenFile"))
      : parsed.daemon.apiToken;

  const { overrides, issues: flagIssues } = parseDaemonOverrides(
    opts.overrides ?? {},
    opts.cwd ?? process.cwd(),
  );
  issues.push(...flagIssues);

  const source = <T extends AudioSourceSpec | VideoSourceSpec>(spec: T): T =>
    spec.kind === "file" ? { ...spec, path: pathFrom(base, spec.path) } : spec;
  const audio = overrides.audio ?? source(parsed.media.audio);
  const video = overrides.video ?? source(parsed.media.video);
  const caFile = parsed.tls.caFile === undefined ? undefined : pathFrom(base, parsed.tls.caFile);
  const fileChecks: [string | undefined, string, string][] = [
    [caFile, "tls.caFile", "a PEM file of certificate authorities"],
    [
      audio.kind === "file" ? audio.path : undefined,
      overrides.audio ? "--audio" : "media.audio",
      "a WAV file",
    ],
    [
      video.kind === "file" ? video.path : undefined,
      overrides.video ? "--video" : "media.video",
      "an IVF file",
    ],
  ];
  for (const [path, key, what] of fileChecks) {
    const problem = path === undefined ? null : readableFile(path, key, what);
    if (problem) issues.push(problem);
  }
  if (issues.length > 0) return { config: null, issues };

  const { password: _xp, passwordEnv: _xe, passwordFile: _xf, ...xmpp } = parsed.xmpp;
  const { password: _sp, passwordEnv: _se, passwordFile: _sf, ...sip } = parsed.sip;
  const record = overrides.record ?? (parsed.media.record && pathFrom(base, parsed.media.record));
  const defaultStore = join(base, `${basename(file, extname(file))}.sqlite`);
  const config: EndpointConfig = {
    file,
    ...(parsed.name !== undefined ? { name: parsed.name } : {}),
    xmpp: { ...xmpp, tls: parsed.xmpp.tls ?? "required", password: xmppPassword },
    sip: {
      ...sip,
      password: sipPassword,
      username: parsed.sip.username ?? parsed.sip.aor.user,
      realm: parsed.sip.realm ?? parsed.sip.aor.host,
    },
    tls: caFile === undefined ? {} : { caFile },
    media: {
      ...parsed.media,
      audio,
      video,
      ...(record ? { record } : {}),
    },
    daemon: {
      api: overrides.api ?? parsed.daemon.api,
      autoAnswer: overrides.autoAnswer ?? parsed.daemon.autoAnswer,
      store:
        overrides.store ??
        (parsed.daemon.store ? pathFrom(base, parsed.daemon.store) : defaultStore),
      ...((overrides.apiToken ?? apiToken) !== undefined
        ? { apiToken: overrides.apiToken ?? apiToken }
        : {}),
    },
    policy: parsed.policy,
    coex: parsed.coex,
  };
  return { config, issues };
}

/** Reads and checks a config file; throws one ConfigError listing every problem. */
export function loadEndpointConfig(file: string, opts: LoadOptions = {}): EndpointConfig {
  const path = resolve(opts.cwd ?? process.cwd(), file);
  let text: string;
  let mode: number;
  try {
    text = readFileSync(path, "utf8");
    mode = statSync(path).mode;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code})`;
    throw new ConfigError(path, [
      { path: "(file)", message: `${path} ${why} — create one with \`duet init --out ${file}\`` },
    ]);
  }
  const json = parseJsonWithComments(text);
  if (!json.ok) throw new ConfigError(path, [json.issue]);
  const validation = validateEndpointConfig(json.value);
  if (!validation.ok) {
    // Secret-source and flag mistakes are reported together with the file's, so that one
    // round of fixes is enough.
    const flags = parseDaemonOverrides(opts.overrides ?? {}, opts.cwd ?? process.cwd());
    const secrets = secretIssuesOfRaw(json.value, {
      base: dirname(path),
      env: opts.env ?? process.env,
      fileMode: mode,
      file: path,
    });
    throw new ConfigError(path, inFileOrder([...validation.issues, ...secrets, ...flags.issues]));
  }
  const { config, issues } = resolveEndpointConfig(validation.config, path, mode, opts);
  if (!config) throw new ConfigError(path, issues);
  return config;
}
