// Turns zod's issues into ours: the key path in dotted form, and a message that says what is
// wrong and how to fix it (zod's defaults, "Invalid input: expected string, received number",
// say neither in the user's terms).

import type * as z from "zod";
import type { ConfigIssue } from "./errors.js";
import { newInstanceId } from "./fields.js";

/** What to write for a required key, shown when it is missing or of the wrong type. */
function exampleFor(path: string): string | undefined {
  const examples: Record<string, string> = {
    xmpp: '"xmpp": { "jid": "alice@example.com", "service": "xmpp://example.com:5222", "passwordFile": "xmpp.password" }',
    sip: '"sip": { "aor": "sip:alice@example.com", "proxy": "sip:example.com:5060;transport=tcp", "passwordFile": "sip.password", "instanceId": "…" }',
    "xmpp.jid": '"jid": "alice@example.com"',
    "xmpp.service": '"service": "xmpp://example.com:5222"',
    "sip.aor": '"aor": "sip:alice@example.com"',
    "sip.proxy": '"proxy": "sip:example.com:5060;transport=tcp"',
    "sip.instanceId": `"instanceId": "${newInstanceId()}" (generated once, then kept)`,
  };
  return examples[path];
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the text ${JSON.stringify(value)}`;
  return `${typeof value === "number" ? "the number" : "the value"} ${String(value)}`;
}

const WANTED: Record<string, string> = {
  string: "a string in double quotes",
  number: "a number",
  boolean: "true or false",
  object: "an object { … }",
  array: "a list [ … ]",
};

/** Edit distance, to suggest the key a misspelt one was meant to be. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The keys an object schema accepts at a path (through defaults, optionals and transforms). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  const unwrap = () => {
    for (;;) {
      const def = (s as { _zod: { def: { type: string; innerType?: unknown; in?: unknown } } })._zod
        .def;
      if (def.innerType !== undefined) s = def.innerType;
      else if (def.type === "pipe") s = def.in;
      else return;
    }
  };
  unwrap();
  for (const key of path) {
    const shape = (s as { shape?: Record<string, unknown> }).shape;
    if (!shape || !(String(key) in shape)) return [];
    s = shape[String(key)];
    unwrap();
  }
  const shape = (s as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

export function dottedPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

export function fromZodIssues(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = dottedPath(issue.path);
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = knownKeysAt(schema, issue.path);
        for (const key of issue.keys) {
          const near = known.find((k) => distance(k, key) <= 2);
          const hint = near
            ? `did you mean "${near}"?`
            : `remove it (known keys here: ${known.join(", ")})`;
          out.push({ path: dottedPath([...issue.path, key]), message: `unknown key — ${hint}` });
        }
        break;
      }
      case "invalid_type": {
        const example = exampleFor(path);
        const wanted = WANTED[issue.expected] ?? issue.expected;
        if (input === undefined) {
          out.push({
            path,
            message: `missing — add it${example ? `, e.g. ${example}` : ` (${wanted})`}`,
          });
        } else if (issue.message.startsWith("Invalid input")) {
          out.push({
            path,
            message: `must be ${wanted}, not ${describe(input)}${example ? ` — e.g. ${example}` : ""}`,
          });
        } else {
          out.push({ path, message: `${issue.message}, not ${describe(input)}` });
        }
        break;
      }
      case "invalid_value":
        out.push({
          path,
          message: issue.message.startsWith("Invalid")
            ? `${describe(input)} is not allowed — use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`
            : `${issue.message}, not ${describe(input)}`,
        });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}
