// Passwords and tokens: read from the environment or from a file only the user can read. A
// secret file that group or others can read is refused rather than used, because by the time
// Duet could warn, the secret has already been exposed to every local account.

import { readFileSync, statSync } from "node:fs";
import type { ConfigIssue } from "./errors.js";

export type SecretResult = { ok: true; value: string } | { ok: false; issue: ConfigIssue };

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, "0");

/** Whether group or others have any access to a file (POSIX permission bits). */
export function exposedMode(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

/** Reads a secret file: a regular file, mode 0600 or stricter, holding the secret on one line. */
export function readSecretFile(path: string, key: string): SecretResult {
  let mode: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) {
      return {
        ok: false,
        issue: {
          path: key,
          message: `${path} is not a regular file — point it at a file holding only the secret`,
        },
      };
    }
    mode = st.mode;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code})`;
    return {
      ok: false,
      issue: {
        path: key,
        message: `${path} ${why} — create it holding only the secret, e.g. \`(umask 077; printf '%s' 'SECRET' > ${path})\``,
      },
    };
  }
  if (exposedMode(mode)) {
    return {
      ok: false,
      issue: {
        path: key,
        message: `${path} can be read by group or others (mode ${octal(mode)}) — run \`chmod 600 ${path}\``,
      },
    };
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    return {
      ok: false,
      issue: {
        path: key,
        message: `${path} cannot be read (${(err as NodeJS.ErrnoException).code}) — check its owner and mode`,
      },
    };
  }
  // Editors and `echo` add one line ending; it is not part of the secret.
  const value = text.replace(/\r?\n$/, "");
  if (value === "")
    return {
      ok: false,
      issue: { path: key, message: `${path} is empty — write the secret into it` },
    };
  if (/[\r\n]/.test(value)) {
    return {
      ok: false,
      issue: {
        path: key,
        message: `${path} holds more than one line — keep only the secret in it`,
      },
    };
  }
  return { ok: true, value };
}

export function readSecretEnv(
  name: string,
  key: string,
  env: Readonly<Record<string, string | undefined>>,
): SecretResult {
  const value = env[name];
  if (value === undefined || value === "") {
    return {
      ok: false,
      issue: {
        path: key,
        message: `the environment variable ${name} is not set — set it before starting Duet, or use a passwordFile`,
      },
    };
  }
  return { ok: true, value };
}

export { octal as modeString };
