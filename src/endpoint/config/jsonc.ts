// JSON with comments, the format of Duet's config files: standard JSON (RFC 8259) plus `//` line
// comments and `/* */` block comments, so that `duet init` can explain each key in place.
// Comments are replaced by spaces (newlines kept) so that JSON.parse's positions still point at
// the user's line and column.

import type { ConfigIssue } from "./errors.js";

/**
 * Blanks out comments outside strings. Returns null with the position of an unterminated block
 * comment, which JSON.parse would otherwise report confusingly.
 */
export function stripJsonComments(text: string): { text: string } | { unterminatedAt: number } {
  const out: string[] = [];
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i]!;
    if (inString) {
      out.push(c);
      if (c === "\\" && i + 1 < text.length) {
        // An escaped character (including \" and \\) never ends the string.
        out.push(text[i + 1]!);
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
      continue;
    }
    if (c === '"') {
      inString = true;
      out.push(c);
      i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n" && text[i] !== "\r") {
        out.push(" ");
        i++;
      }
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) return { unterminatedAt: i };
      for (; i < end + 2; i++) out.push(text[i] === "\n" || text[i] === "\r" ? text[i]! : " ");
      continue;
    }
    out.push(c);
    i++;
  }
  return { text: out.join("") };
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

/** Parses JSON with comments; a syntax error becomes one issue at the file's root. */
export function parseJsonWithComments(
  text: string,
): { ok: true; value: unknown } | { ok: false; issue: ConfigIssue } {
  const stripped = stripJsonComments(text.startsWith("\uFEFF") ? text.slice(1) : text);
  if ("unterminatedAt" in stripped) {
    return {
      ok: false,
      issue: {
        path: "(file)",
        message: `a /* comment starting at ${lineColumn(text, stripped.unterminatedAt)} is never closed — end it with */`,
      },
    };
  }
  try {
    return { ok: true, value: JSON.parse(stripped.text) };
  } catch (err) {
    const detail = (err as Error).message;
    const at = /position (\d+)/.exec(detail);
    const where = at ? ` at ${lineColumn(stripped.text, Number(at[1]))}` : "";
    return {
      ok: false,
      issue: {
        path: "(file)",
        message: `not valid JSON${where} (${detail}) — check for a missing comma or quote, or a trailing comma`,
      },
    };
  }
}
