// Writes a config as JSON with comments: each key explained where it stands, so that the file
// `duet init` writes documents itself (docs/configuration.md has the full reference).

import type { EndpointConfigInput } from "./schema.js";

const COMMENTS: Record<string, string> = {
  version: "Config format version.",
  name: "A label for logs.",
  xmpp: "Your XMPP account (RFC 6120). Nothing here is derived from the SIP account.",
  "xmpp.jid": "Your bare JID (user@domain).",
  "xmpp.password": "The password itself; better use passwordFile or passwordEnv.",
  "xmpp.passwordEnv": "Environment variable holding the XMPP password.",
  "xmpp.passwordFile":
    "File holding only the XMPP password; must be mode 0600 (relative to this file).",
  "xmpp.service":
    "Server to connect to: xmpp://HOST:PORT (STARTTLS) or xmpps://HOST:PORT (direct TLS).",
  "xmpp.websocket": "Optional XMPP-over-WebSocket URL (RFC 7395).",
  "xmpp.tls":
    '"required" (STARTTLS must succeed), "direct" (xmpps://) or "none" (plaintext, test servers only).',
  "xmpp.resource": "Resource of this device's full JID.",
  sip: "Your SIP account (RFC 3261). Nothing here is derived from the XMPP account.",
  "sip.aor": "Your SIP address of record.",
  "sip.username": "Digest authentication username.",
  "sip.password": "The password itself; better use passwordFile or passwordEnv.",
  "sip.passwordEnv": "Environment variable holding the SIP password.",
  "sip.passwordFile":
    "File holding only the SIP password; must be mode 0600 (relative to this file).",
  "sip.realm": "Digest realm; credentials are only given to challenges from it.",
  "sip.proxy":
    "Outbound proxy and registrar: sip:HOST:PORT;transport=udp|tcp|tls or sips:HOST:PORT.",
  "sip.websocket": "Optional SIP-over-WebSocket URL (RFC 7118).",
  "sip.instanceId": "This device's +sip.instance (RFC 5626); generated once, keep it unchanged.",
  "sip.registrationExpires": "Requested registration lifetime in seconds.",
  "sip.localAddress":
    "Local IP address for SIP and RTP; leave out to use the one that reaches sip.proxy.",
  tls: "Extra trust for TLS connections.",
  "tls.caFile": "PEM file of certificate authorities to trust besides the system's.",
  media: "What Duet sends and records in calls.",
  "media.audio": "tone:HZ, file:PATH.wav or silence.",
  "media.video": "file:PATH.ivf (VP8) or none.",
  "media.record": "Folder for recordings of received media; leave out for none.",
  "media.codecs": "Codecs offered, most preferred first.",
  daemon: "The daemon (`duet daemon --config FILE`); its flags override these.",
  "daemon.api": "Where the API listens, HOST:PORT; port 0 picks a free port.",
  "daemon.apiToken": "Bearer token API clients must send.",
  "daemon.apiTokenFile": "File holding only the API token; must be mode 0600.",
  "daemon.store": "SQLite database file (relative to this file).",
  "daemon.autoAnswer": "Answer incoming calls at once.",
  policy: "Who may learn your JID from your SIP address, and how long correlation data lives.",
  "policy.discovery.allow": 'Any of "roster", "domain:example.com", "sip:user@example.com", "*".',
  "policy.expiry": "Milliseconds; see docs/configuration.md.",
  coex: "The SIP/XMPP coexistence profile; false makes Duet a plain SIP phone and XMPP client.",
};

function render(value: unknown, path: string, indent: string): string {
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const inner = `${indent}  `;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  const lines = entries.map(([key, v], i) => {
    const keyPath = path === "" ? key : `${path}.${key}`;
    const comment = COMMENTS[keyPath];
    const comma = i < entries.length - 1 ? "," : "";
    const head = comment ? `${inner}// ${comment}\n` : "";
    return `${head}${inner}${JSON.stringify(key)}: ${render(v, keyPath, inner)}${comma}`;
  });
  return `{\n${lines.join("\n")}\n${indent}}`;
}

/** The config as JSON with comments, ending in a newline. */
export function renderCommentedConfig(
  config: EndpointConfigInput,
  heading: readonly string[] = [],
): string {
  const head = heading.map((line) => `// ${line}\n`).join("");
  return `${head}${render(config, "", "")}\n`;
}
