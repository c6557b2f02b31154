// The canonical endpoint configuration (issues 6 and 7) as a zod schema; the TypeScript types
// are inferred from it so that the file format, its validation and the code reading it cannot
// drift apart. Both protocols' addresses are always given explicitly: nothing here derives a
// JID from a SIP URI or the reverse (PROFILE.md keeps the two identities independent).

import * as z from "zod";
import { DEFAULT_EXPIRY } from "../../coex/index.js";
import { validateRule } from "../../coex/policy.js";
import {
  type Parsed,
  parseAudioSource,
  parseBareJid,
  parseHostPort,
  parseInstanceId,
  parseLocalAddress,
  parseSipAor,
  parseSipProxy,
  parseToken,
  parseVideoSource,
  parseWebSocketUrl,
  parseXmppService,
} from "./fields.js";

/** A string checked (and turned into structure) by one of the shared field parsers. */
function parsedString<T>(parse: (s: string) => Parsed<T>) {
  return z.string().transform((s, ctx): T => {
    const r = parse(s);
    if (!r.ok) {
      ctx.addIssue({ code: "custom", message: r.message });
      return z.NEVER;
    }
    return r.value;
  });
}

const nonEmpty = (what: string) =>
  z.string().min(1, { error: `must not be empty — give ${what} or remove the key` });

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where an account's password comes from; exactly one is required (checked in validate.ts). */
const passwordSources = {
  password: nonEmpty("the password"),
  passwordEnv: z.string().regex(ENV_NAME, {
    error:
      "is not an environment variable name — use letters, digits and _, e.g. DUET_XMPP_PASSWORD",
  }),
  passwordFile: nonEmpty("the path of a file holding only the password"),
};

export const XMPP_TLS_MODES = ["required", "direct", "none"] as const;

const xmppSchema = z.strictObject({
  jid: parsedString(parseBareJid),
  password: passwordSources.password.optional(),
  passwordEnv: passwordSources.passwordEnv.optional(),
  passwordFile: passwordSources.passwordFile.optional(),
  service: parsedString(parseXmppService),
  websocket: parsedString(parseWebSocketUrl).optional(),
  /**
   * required: STARTTLS must succeed (RFC 6120 §5.3.1); direct: TLS from the first byte
   * (XEP-0368, xmpps://); none: plaintext, for test servers only. Unset: "direct" for an
   * xmpps:// service, else "required" — plaintext is never a default.
   */
  tls: z.enum(XMPP_TLS_MODES, { error: 'must be "required", "direct" or "none"' }).optional(),
  resource: z
    .string()
    .regex(/^[^\s/@]{1,64}$/, {
      error: "must be 1 to 64 characters without spaces, / or @ — e.g. duet-laptop",
    })
    .default("duet"),
});

const sipSchema = z.strictObject({
  aor: parsedString(parseSipAor),
  /** Digest username (RFC 3261 §22.4); unset: the AOR's user part. */
  username: nonEmpty("the digest username").optional(),
  password: passwordSources.password.optional(),
  passwordEnv: passwordSources.passwordEnv.optional(),
  passwordFile: passwordSources.passwordFile.optional(),
  /** Only challenges from this realm get our credentials; unset: the AOR's domain. */
  realm: nonEmpty("the digest realm").optional(),
  proxy: parsedString(parseSipProxy),
  websocket: parsedString(parseWebSocketUrl).optional(),
  instanceId: parsedString(parseInstanceId),
  /**
   * The local IP address for SIP and RTP (bound and advertised); unset: the address this machine
   * uses to reach sip.proxy.
   */
  localAddress: parsedString(parseLocalAddress).optional(),
  /** Requested registration lifetime in seconds (RFC 3261 §10.2.1.1). */
  registrationExpires: z
    .number({ error: "must be a number of seconds, e.g. 3600" })
    .int({ error: "must be a whole number of seconds (e.g. 3600)" })
    .min(60, { error: "must be at least 60 seconds — registrars refuse shorter ones (423)" })
    .max(86400, { error: "must be at most 86400 seconds (one day)" })
    .default(3600),
});

export const AUDIO_CODECS = ["opus", "PCMU", "PCMA"] as const;
export const VIDEO_CODECS = ["VP8"] as const;

function codecList<T extends readonly [string, ...string[]]>(names: T, min: number) {
  return z
    .array(z.enum(names, { error: `must be one of ${names.join(", ")}` }))
    .min(min, { error: `must name at least one codec of ${names.join(", ")}` })
    .refine((list) => new Set(list).size === list.length, {
      error: "names a codec twice — list each once, most preferred first",
    });
}

const mediaSchema = z.strictObject({
  audio: parsedString(parseAudioSource).prefault("silence"),
  video: parsedString(parseVideoSource).prefault("none"),
  /** Folder where each call's received audio (WAV) and video (IVF) are written; unset: none. */
  record: nonEmpty("a folder").optional(),
  codecs: z
    .strictObject({
      audio: codecList(AUDIO_CODECS, 1).default([...AUDIO_CODECS]),
      video: codecList(VIDEO_CODECS, 0).default([...VIDEO_CODECS]),
    })
    .prefault({}),
});

const daemonSchema = z.strictObject({
  api: parsedString(parseHostPort).prefault("127.0.0.1:0"),
  apiToken: parsedString(parseToken).optional(),
  apiTokenFile: nonEmpty("the path of a file holding only the token").optional(),
  /** SQLite file; unset: beside the config file, named after it (alice.json → alice.sqlite). */
  store: nonEmpty("a file path").optional(),
  autoAnswer: z.boolean({ error: "must be true or false" }).default(false),
});

const discoveryRule = z.string().transform((rule, ctx): string => {
  try {
    return validateRule(rule);
  } catch {
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(rule)} is not a discovery rule — use "roster", "domain:example.com", "sip:user@example.com" or "*"`,
    });
    return z.NEVER;
  }
});

const milliseconds = (fallback: number) =>
  z
    .number({ error: "must be a number of milliseconds, e.g. 60000" })
    .int({ error: "must be a whole number of milliseconds" })
    .min(0, { error: "must not be negative" })
    .default(fallback);

const policySchema = z.strictObject({
  discovery: z.strictObject({ allow: z.array(discoveryRule).default(["roster"]) }).prefault({}),
  expiry: z
    .strictObject({
      threadIdleMs: milliseconds(DEFAULT_EXPIRY.threadIdleMs),
      dialogGraceMs: milliseconds(DEFAULT_EXPIRY.dialogGraceMs),
      identityWindowMs: milliseconds(DEFAULT_EXPIRY.identityWindowMs),
      announcementMs: milliseconds(DEFAULT_EXPIRY.announcementMs),
    })
    .prefault({}),
});

export const endpointConfigSchema = z.strictObject({
  version: z.literal(1, { error: "must be 1 (the only config format so far)" }).default(1),
  /** A label for logs (e.g. the sandbox account's name). */
  name: nonEmpty("a label").optional(),
  xmpp: xmppSchema,
  sip: sipSchema,
  tls: z
    .strictObject({
      /** PEM file of extra certificate authorities to trust (e.g. a test server's own CA). */
      caFile: nonEmpty("the path of a PEM file").optional(),
    })
    .prefault({}),
  media: mediaSchema.prefault({}),
  daemon: daemonSchema.prefault({}),
  policy: policySchema.prefault({}),
  /** Switches the profile's mechanisms (tokens, correlation, discovery) off: plain SIP + XMPP. */
  coex: z
    .strictObject({ enabled: z.boolean({ error: "must be true or false" }).default(true) })
    .prefault({}),
});

/** What a config file may contain (defaults not yet applied). */
export type EndpointConfigInput = z.input<typeof endpointConfigSchema>;
/** A config file after validation: defaults applied, strings parsed into structure. */
export type ParsedEndpointConfig = z.output<typeof endpointConfigSchema>;
