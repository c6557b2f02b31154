// `duet init`'s flags. Every answer of the interactive set-up has a flag, so that scripts and
// tests can write a config without a terminal.

import { UsageError } from "./io.js";

export interface InitFlags {
  jid?: string;
  xmppService?: string;
  xmppTls?: string;
  xmppWebsocket?: string;
  resource?: string;
  aor?: string;
  sipUsername?: string;
  sipRealm?: string;
  sipProxy?: string;
  sipWebsocket?: string;
  caFile?: string;
  passwordEnv?: string;
  passwordFile?: string;
  xmppPasswordEnv?: string;
  xmppPasswordFile?: string;
  sipPasswordEnv?: string;
  sipPasswordFile?: string;
  passwordStdin?: boolean;
  out?: string;
  force?: boolean;
  help?: boolean;
}

const VALUE_FLAGS: Record<string, keyof InitFlags> = {
  "--jid": "jid",
  "--xmpp-service": "xmppService",
  "--xmpp-tls": "xmppTls",
  "--xmpp-websocket": "xmppWebsocket",
  "--resource": "resource",
  "--aor": "aor",
  "--sip-username": "sipUsername",
  "--sip-realm": "sipRealm",
  "--sip-proxy": "sipProxy",
  "--sip-websocket": "sipWebsocket",
  "--ca-file": "caFile",
  "--password-env": "passwordEnv",
  "--password-file": "passwordFile",
  "--xmpp-password-env": "xmppPasswordEnv",
  "--xmpp-password-file": "xmppPasswordFile",
  "--sip-password-env": "sipPasswordEnv",
  "--sip-password-file": "sipPasswordFile",
  "--out": "out",
};

const SWITCHES: Record<string, keyof InitFlags> = {
  "--password-stdin": "passwordStdin",
  "--force": "force",
  "--help": "help",
  "-h": "help",
};

/** The config key each flag fills, to name the flag when the value is refused. */
export const FLAG_OF_KEY: Record<string, string> = {
  "xmpp.jid": "--jid",
  "xmpp.service": "--xmpp-service",
  "xmpp.tls": "--xmpp-tls",
  "xmpp.websocket": "--xmpp-websocket",
  "xmpp.resource": "--resource",
  "xmpp.passwordEnv": "--xmpp-password-env",
  "xmpp.passwordFile": "--xmpp-password-file",
  "sip.aor": "--aor",
  "sip.username": "--sip-username",
  "sip.realm": "--sip-realm",
  "sip.proxy": "--sip-proxy",
  "sip.websocket": "--sip-websocket",
  "sip.passwordEnv": "--sip-password-env",
  "sip.passwordFile": "--sip-password-file",
  "tls.caFile": "--ca-file",
};

export const INIT_USAGE = `Usage: duet init [options]

Writes a commented endpoint config for your real XMPP and SIP accounts. On a terminal it asks
for what the flags leave out; otherwise every required flag must be given.

Accounts (both addresses are always given; neither is derived from the other):
  --jid JID                  your XMPP address, e.g. alice@example.com (required)
  --xmpp-service URL         xmpp://HOST:PORT or xmpps://HOST:PORT (default xmpp://DOMAIN:5222)
  --xmpp-tls MODE            required (default), direct (xmpps://) or none (test servers only)
  --xmpp-websocket URL       optional XMPP WebSocket URL (wss://…)
  --resource NAME            resource of this device (default duet)
  --aor URI                  your SIP address, e.g. sip:alice@example.com (required)
  --sip-username NAME        digest username (default: the AOR's user part)
  --sip-realm REALM          digest realm (default: the AOR's domain)
  --sip-proxy URI            sip:HOST:PORT;transport=udp|tcp|tls or sips:HOST:PORT (required)
  --sip-websocket URL        optional SIP WebSocket URL (wss://…)
  --ca-file PEM              extra certificate authorities to trust

Passwords (never written into the config itself; one source is required):
  --password-env NAME        read both passwords from environment variable NAME
  --password-file PATH       read both from PATH (mode 0600); with --password-stdin, create it
  --xmpp-password-env NAME, --xmpp-password-file PATH, --sip-password-env NAME,
  --sip-password-file PATH   the same for one account
  --password-stdin           read the password from the first line of standard input and
                             store it in a new file (PATH of --password-file, or OUT.password)

Output:
  --out FILE                 where to write the config (default duet.json)
  --force                    overwrite existing files`;

export function parseInitFlags(argv: readonly string[]): InitFlags {
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = name === arg ? undefined : arg.slice(eq + 1);
    const sw = SWITCHES[name];
    if (sw) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value.\n\n${INIT_USAGE}`);
      flags[sw] = true;
      continue;
    }
    const key = VALUE_FLAGS[name];
    if (!key) throw new UsageError(`Unknown option "${arg}" for duet init.\n\n${INIT_USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) {
      throw new UsageError(`${name} needs a value.\n\n${INIT_USAGE}`);
    }
    if (key in flags) throw new UsageError(`${name} is given twice.`);
    flags[key] = value;
  }
  const f = flags as InitFlags;
  if (f.passwordEnv !== undefined && f.passwordFile !== undefined) {
    throw new UsageError("Give either --password-env or --password-file, not both.");
  }
  return f;
}
