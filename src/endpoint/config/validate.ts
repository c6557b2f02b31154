// Validation of a config object: the schema plus the rules that span several keys, all run
// every time so that one pass reports every problem.

import { type ConfigIssue, formatIssue } from "./errors.js";
import { parseSipProxy, parseWebSocketUrl, parseXmppService } from "./fields.js";
import { fromZodIssues } from "./issues.js";
import { endpointConfigSchema, type ParsedEndpointConfig } from "./schema.js";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const SECRET_KEYS = ["password", "passwordEnv", "passwordFile"] as const;

function passwordSourceIssues(
  section: "xmpp" | "sip",
  raw: Record<string, unknown>,
): ConfigIssue[] {
  const given = SECRET_KEYS.filter((k) => raw[k] !== undefined);
  if (given.length === 0) {
    return [
      {
        path: `${section}.password`,
        message:
          'no password given — add "passwordFile": "PATH" (a file only you can read), "passwordEnv": "VARIABLE" or "password": "…"',
      },
    ];
  }
  if (given.length > 1) {
    return [
      {
        path: `${section}.${given[1]}`,
        message: `${given.map((k) => `"${k}"`).join(" and ")} are both given — keep only one`,
      },
    ];
  }
  return [];
}

// Rules on the raw object (not the parsed one) so that they run even when the schema failed
// elsewhere in the same section.
function crossKeyIssues(raw: unknown): ConfigIssue[] {
  if (!isObject(raw)) return [];
  const issues: ConfigIssue[] = [];
  const { xmpp, sip, daemon } = raw;
  if (isObject(xmpp)) {
    issues.push(...passwordSourceIssues("xmpp", xmpp));
    const service = typeof xmpp.service === "string" ? parseXmppService(xmpp.service) : null;
    const tls = xmpp.tls;
    if (service?.ok) {
      const direct = service.value.scheme === "xmpps";
      if (direct && (tls === "required" || tls === "none")) {
        issues.push({
          path: "xmpp.tls",
          message: `"${tls}" does not fit the service ${service.value.url}, which is TLS from the first byte — set "tls": "direct" or use an xmpp:// service`,
        });
      }
      if (!direct && tls === "direct") {
        issues.push({
          path: "xmpp.tls",
          message: `"direct" needs an xmpps:// service, but the service is ${service.value.url} — use xmpps://HOST:PORT (usually 5223) or "tls": "required"`,
        });
      }
    }
    const ws = typeof xmpp.websocket === "string" ? parseWebSocketUrl(xmpp.websocket) : null;
    if (ws?.ok && ws.value.startsWith("ws:") && tls !== "none") {
      issues.push({
        path: "xmpp.websocket",
        message: `${ws.value} is not encrypted while TLS is required — use a wss:// URL, or set "tls": "none" (test servers only)`,
      });
    }
  }
  if (isObject(sip)) {
    issues.push(...passwordSourceIssues("sip", sip));
    const proxy = typeof sip.proxy === "string" ? parseSipProxy(sip.proxy) : null;
    const ws = typeof sip.websocket === "string" ? parseWebSocketUrl(sip.websocket) : null;
    if (proxy?.ok && proxy.value.transport === "tls" && ws?.ok && ws.value.startsWith("ws:")) {
      issues.push({
        path: "sip.websocket",
        message: `${ws.value} is not encrypted while the proxy uses TLS — use a wss:// URL`,
      });
    }
  }
  if (isObject(daemon) && daemon.apiToken !== undefined && daemon.apiTokenFile !== undefined) {
    issues.push({
      path: "daemon.apiTokenFile",
      message: '"apiToken" and "apiTokenFile" are both given — keep only one',
    });
  }
  return issues;
}

const SECTION_ORDER = [
  "(file)",
  "(top level)",
  "version",
  "name",
  "xmpp",
  "sip",
  "tls",
  "media",
  "daemon",
  "policy",
  "coex",
];

/** Sorts issues by section in the order of the file (stable within one), flags last. */
export function inFileOrder(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const rank = (i: ConfigIssue) => {
    if (i.path.startsWith("--")) return SECTION_ORDER.length + 1;
    const at = SECTION_ORDER.indexOf(i.path.split(/[.[]/)[0]!);
    return at < 0 ? SECTION_ORDER.length : at;
  };
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || a.index - b.index)
    .map((x) => x.issue);
}

export type Validation =
  | { readonly ok: true; readonly config: ParsedEndpointConfig }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** Validates a config object (as read from a file); every problem is reported. */
export function validateEndpointConfig(raw: unknown): Validation {
  const parsed = endpointConfigSchema.safeParse(raw, { reportInput: true });
  const issues = inFileOrder([
    ...(parsed.success ? [] : fromZodIssues(endpointConfigSchema, parsed.error.issues)),
    ...crossKeyIssues(raw),
  ]);
  if (!parsed.success || issues.length > 0) return { ok: false, issues };
  const config = parsed.data;
  // Plaintext is never a default: only an explicit "none" turns TLS off.
  const tls = config.xmpp.tls ?? (config.xmpp.service.scheme === "xmpps" ? "direct" : "required");
  return { ok: true, config: { ...config, xmpp: { ...config.xmpp, tls } } };
}

/** The issues as lines, for messages. */
export const issueLines = (issues: readonly ConfigIssue[]): string[] => issues.map(formatIssue);
