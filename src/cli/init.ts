// `duet init` (issue 7): writes a commented config for the user's real accounts, asking on a
// terminal for what the flags leave out. Passwords never go into the config: they are stored
// in files only the user can read (created 0600) or read from the environment. What is
// written is validated with the same schema the daemon loads it with.

import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import {
  ConfigError,
  type EndpointConfigInput,
  loadEndpointConfig,
  newInstanceId,
  type Parsed,
  parseBareJid,
  parseInstanceId,
  parseJsonWithComments,
  parseSipAor,
  parseSipProxy,
  parseXmppService,
  readSecretFile,
  renderCommentedConfig,
  validateEndpointConfig,
} from "../endpoint/config/index.js";
import { FLAG_OF_KEY, INIT_USAGE, type InitFlags, parseInitFlags } from "./init-options.js";
import { type Prompter, terminalPrompter } from "./init-prompt.js";
import { type CliIo, UsageError } from "./io.js";

export interface InitEnvironment {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Overrides the terminal prompter (tests). */
  readonly prompter?: Prompter;
}

const processEnvironment = (): InitEnvironment => ({
  stdin: process.stdin,
  stdout: process.stdout,
  env: process.env,
  cwd: process.cwd(),
});

type Account = "xmpp" | "sip";

/** Where one account's password comes from, and what init has to write for it. */
type SecretPlan =
  | { readonly kind: "env"; readonly name: string }
  | { readonly kind: "file"; readonly path: string; readonly content?: string };

async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) {
    text += chunk.toString();
    if (text.includes("\n")) break;
  }
  return text.split(/\r?\n/)[0] ?? "";
}

/** Asks until the answer passes the same parser the config uses. */
async function askValid<T>(
  prompter: Prompter,
  question: string,
  fallback: string | undefined,
  parse: (s: string) => Parsed<T>,
): Promise<string> {
  for (;;) {
    const answer = await prompter.ask(question, fallback);
    if (answer === "") {
      prompter.say("  An answer is needed here.");
      continue;
    }
    const r = parse(answer);
    if (r.ok) return answer;
    prompter.say(`  ${r.message}`);
  }
}

/** The path as the config should name it: relative when it lies in the config's folder. */
function pathForConfig(configDir: string, path: string): string {
  const rel = relative(configDir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

function missingFlags(f: InitFlags): string[] {
  const missing: string[] = [];
  if (f.jid === undefined) missing.push("--jid");
  if (f.aor === undefined) missing.push("--aor");
  if (f.sipProxy === undefined) missing.push("--sip-proxy");
  for (const account of ["xmpp", "sip"] as const) {
    const env = account === "xmpp" ? f.xmppPasswordEnv : f.sipPasswordEnv;
    const file = account === "xmpp" ? f.xmppPasswordFile : f.sipPasswordFile;
    if ((env ?? file ?? f.passwordEnv ?? f.passwordFile) === undefined && !f.passwordStdin) {
      missing.push(
        "a password source: --password-env NAME, --password-file PATH or --password-stdin",
      );
      break;
    }
  }
  return missing;
}

async function planSecrets(
  f: InitFlags,
  ctx: { env: InitEnvironment; out: string; prompter: Prompter | null },
): Promise<Record<Account, SecretPlan>> {
  const base = join(dirname(ctx.out), basename(ctx.out, extname(ctx.out)));
  const fromFlags = (account: Account): { env?: string; file?: string } => ({
    env: (account === "xmpp" ? f.xmppPasswordEnv : f.sipPasswordEnv) ?? f.passwordEnv,
    file: (account === "xmpp" ? f.xmppPasswordFile : f.sipPasswordFile) ?? f.passwordFile,
  });
  let stdinPassword: string | undefined;
  const plans = {} as Record<Account, SecretPlan>;
  const asked: Account[] = [];
  for (const account of ["xmpp", "sip"] as const) {
    const given = fromFlags(account);
    if (given.env !== undefined) {
      plans[account] = { kind: "env", name: given.env };
    } else if (f.passwordStdin) {
      if (stdinPassword === undefined) {
        stdinPassword = ctx.prompter
          ? await ctx.prompter.askHidden("Password")
          : await readFirstLine(ctx.env.stdin);
        if (stdinPassword === "") throw new UsageError("--password-stdin read an empty password.");
      }
      const path = resolve(ctx.env.cwd, given.file ?? `${base}.password`);
      plans[account] = { kind: "file", path, content: stdinPassword };
    } else if (given.file !== undefined) {
      plans[account] = { kind: "file", path: resolve(ctx.env.cwd, given.file) };
    } else {
      asked.push(account);
    }
  }
  if (asked.length === 0) return plans;
  const prompter = ctx.prompter!;
  const how = await askValid(
    prompter,
    "Keep passwords in a file only you can read (file) or in environment variables (env)?",
    "file",
    (s): Parsed<string> =>
      s === "file" || s === "env"
        ? { ok: true, value: s }
        : { ok: false, message: 'answer "file" or "env"' },
  );
  const label = { xmpp: "XMPP", sip: "SIP" } as const;
  if (how === "env") {
    for (const account of asked) {
      const name = await askValid(
        prompter,
        `Environment variable for the ${label[account]} password`,
        `DUET_${label[account]}_PASSWORD`,
        (s): Parsed<string> =>
          /^[A-Za-z_][A-Za-z0-9_]*$/.test(s)
            ? { ok: true, value: s }
            : { ok: false, message: "use letters, digits and _" },
      );
      plans[account] = { kind: "env", name };
    }
    return plans;
  }
  const typed: Partial<Record<Account, string>> = {};
  for (const account of asked) {
    for (;;) {
      const other = account === "sip" ? typed.xmpp : undefined;
      const question = other
        ? `${label[account]} password (Enter: the same as XMPP)`
        : `${label[account]} password`;
      const answer = await prompter.askHidden(question);
      if (answer === "" && other !== undefined) {
        typed[account] = other;
        break;
      }
      if (answer !== "") {
        typed[account] = answer;
        break;
      }
      prompter.say("  The password must not be empty.");
    }
  }
  const shared = asked.length === 2 && typed.xmpp === typed.sip;
  for (const account of asked) {
    const path = shared ? `${base}.password` : `${base}.${account}.password`;
    plans[account] = { kind: "file", path, content: typed[account]! };
  }
  return plans;
}

function secretKeys(plan: SecretPlan, configDir: string) {
  return plan.kind === "env"
    ? { passwordEnv: plan.name }
    : { passwordFile: pathForConfig(configDir, plan.path) };
}

/** Values that came from flags and were refused: name the flag the user has to change. */
function flagIssueLines(issues: readonly { path: string; message: string }[]): string {
  return issues
    .map((i) => {
      const flag = FLAG_OF_KEY[i.path];
      return `  ${flag ? `${flag} (${i.path})` : i.path}: ${i.message}`;
    })
    .join("\n");
}

export async function initCommand(
  argv: readonly string[],
  io: CliIo,
  environment: InitEnvironment = processEnvironment(),
): Promise<number> {
  const f = parseInitFlags(argv);
  if (f.help) {
    io.out(INIT_USAGE);
    return 0;
  }
  const out = resolve(environment.cwd, f.out ?? "duet.json");
  if (existsSync(out) && !f.force) {
    throw new UsageError(
      `${out} already exists — pass --force to overwrite it, or choose another --out.`,
    );
  }
  const interactive = environment.stdin.isTTY === true || environment.prompter !== undefined;
  if (!interactive) {
    const missing = missingFlags(f);
    if (missing.length > 0) {
      throw new UsageError(
        `standard input is not a terminal, so duet init cannot ask; give these flags:\n${missing
          .map((m) => `  ${m}`)
          .join("\n")}\n\nRun \`duet init --help\` for all options.`,
      );
    }
  }
  const prompter = interactive
    ? (environment.prompter ?? terminalPrompter(environment.stdin, environment.stdout))
    : null;
  try {
    if (prompter) {
      prompter.say(
        "Duet set-up: your XMPP and SIP accounts (each address is asked for separately).",
      );
    }
    const jid =
      f.jid ?? (await askValid(prompter!, "Your XMPP address (JID)", undefined, parseBareJid));
    const jidParsed = parseBareJid(jid);
    const domain = jidParsed.ok ? jidParsed.value.split("@")[1] : "example.com";
    // RFC 6120 §3.2.2: without SRV records a client connects to the JID's domain on 5222.
    const defaultService = `xmpp://${domain}:5222`;
    const service =
      f.xmppService ??
      (prompter
        ? await askValid(prompter, "XMPP server", defaultService, parseXmppService)
        : defaultService);
    const aor =
      f.aor ?? (await askValid(prompter!, "Your SIP address (AOR)", undefined, parseSipAor));
    const aorParsed = parseSipAor(aor);
    const aorUser = aorParsed.ok ? aorParsed.value.user : undefined;
    const username =
      f.sipUsername ??
      (prompter && aorUser ? await prompter.ask("SIP authentication username", aorUser) : aorUser);
    const proxy =
      f.sipProxy ??
      (await askValid(
        prompter!,
        "SIP outbound proxy (e.g. sip:HOST:5060;transport=tcp)",
        undefined,
        parseSipProxy,
      ));
    const secrets = await planSecrets(f, { env: environment, out, prompter });

    const configDir = dirname(out);
    const serviceParsed = parseXmppService(service);
    const tls =
      f.xmppTls ??
      (serviceParsed.ok && serviceParsed.value.scheme === "xmpps" ? "direct" : "required");
    const input = {
      version: 1,
      xmpp: {
        jid,
        ...secretKeys(secrets.xmpp, configDir),
        service,
        ...(f.xmppWebsocket ? { websocket: f.xmppWebsocket } : {}),
        tls,
        resource: f.resource ?? "duet",
      },
      sip: {
        aor,
        ...(username !== undefined ? { username } : {}),
        ...secretKeys(secrets.sip, configDir),
        ...(f.sipRealm ? { realm: f.sipRealm } : {}),
        proxy,
        ...(f.sipWebsocket ? { websocket: f.sipWebsocket } : {}),
        instanceId: previousInstanceId(out) ?? newInstanceId(),
        registrationExpires: 3600,
      },
      ...(f.caFile
        ? { tls: { caFile: pathForConfig(configDir, resolve(environment.cwd, f.caFile)) } }
        : {}),
      media: {
        audio: "silence",
        video: "none",
        codecs: { audio: ["opus", "PCMU", "PCMA"], video: ["VP8"] },
      },
      daemon: { api: "127.0.0.1:0", autoAnswer: false },
      policy: { discovery: { allow: ["roster"] } },
      coex: { enabled: true },
    } as EndpointConfigInput;
    const validation = validateEndpointConfig(input);
    if (!validation.ok) {
      throw new UsageError(
        `these values are not usable; nothing was written:\n${flagIssueLines(validation.issues)}`,
      );
    }
    // A password file named by a flag must already be safe; a new one is checked after writing.
    const checked = new Set<string>();
    const existingFileIssues = (["xmpp", "sip"] as const).flatMap((account) => {
      const plan = secrets[account];
      if (plan.kind !== "file" || plan.content !== undefined || checked.has(plan.path)) return [];
      checked.add(plan.path);
      const own = account === "xmpp" ? f.xmppPasswordFile : f.sipPasswordFile;
      const flag = own === undefined ? "--password-file" : `--${account}-password-file`;
      const r = readSecretFile(plan.path, `${flag} (${account}.passwordFile)`);
      return r.ok ? [] : [r.issue];
    });
    if (f.caFile !== undefined && !existsSync(resolve(environment.cwd, f.caFile))) {
      existingFileIssues.push({
        path: "tls.caFile",
        message: `${resolve(environment.cwd, f.caFile)} does not exist — point it at a PEM file of certificate authorities`,
      });
    }
    if (existingFileIssues.length > 0) {
      throw new UsageError(`nothing was written:\n${flagIssueLines(existingFileIssues)}`);
    }

    const written = writeFiles(out, input, secrets, f.force === true);
    const notes = verify(out, environment.env);
    io.out(`Wrote ${out} (mode 600).`);
    for (const file of written) io.out(`Stored a password in ${file} (mode 600).`);
    for (const note of notes) io.out(`Note: ${note}`);
    io.out(`Start the endpoint with: duet daemon --config ${out}`);
    return 0;
  } finally {
    prompter?.close();
  }
}

/**
 * The instance id of the config being replaced (--force): a device keeps its +sip.instance for
 * life (RFC 5626 §4.1), or the registrar would hold a stale binding and GRUU for it.
 */
function previousInstanceId(out: string): string | undefined {
  try {
    const json = parseJsonWithComments(readFileSync(out, "utf8"));
    const id = json.ok
      ? (json.value as { sip?: { instanceId?: unknown } }).sip?.instanceId
      : undefined;
    return typeof id === "string" && parseInstanceId(id).ok ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the password files (new, 0600) and then the config; returns the password files. */
function writeFiles(
  out: string,
  input: EndpointConfigInput,
  secrets: Record<Account, SecretPlan>,
  force: boolean,
): string[] {
  mkdirSync(dirname(out), { recursive: true, mode: 0o700 });
  const written: string[] = [];
  for (const plan of Object.values(secrets)) {
    if (plan.kind !== "file" || plan.content === undefined || written.includes(plan.path)) continue;
    if (existsSync(plan.path) && !force) {
      throw new UsageError(`${plan.path} already exists — pass --force to overwrite it.`);
    }
    mkdirSync(dirname(plan.path), { recursive: true, mode: 0o700 });
    // Created 0600 from the start, so the password is never readable by others, not even
    // briefly; chmod also narrows a file that --force replaces.
    writeFileSync(plan.path, `${plan.content}\n`, { mode: 0o600, flag: force ? "w" : "wx" });
    chmodSync(plan.path, 0o600);
    written.push(plan.path);
  }
  const heading = [
    "Duet endpoint configuration, written by `duet init`.",
    "JSON with comments. Every key is described in docs/configuration.md.",
    "Start with: duet daemon --config THIS_FILE",
  ];
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, renderCommentedConfig(input, heading), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, out);
  return written;
}

/**
 * Loads what was written exactly as the daemon will. A password variable that is not set in
 * this shell is only a note: the daemon may well run with another environment.
 */
function verify(out: string, env: InitEnvironment["env"]): string[] {
  try {
    loadEndpointConfig(out, { env });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const unset = err.issues.filter((i) => i.path.endsWith(".passwordEnv"));
    if (unset.length < err.issues.length) throw err;
    return unset.map((i) => `${i.path}: ${i.message}`);
  }
}
