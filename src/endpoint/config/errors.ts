// Configuration errors: every problem names the key (or daemon flag) at fault, says what is
// wrong and how to fix it, and all problems of one load are reported together so that a user
// fixes a config in one pass instead of one restart per mistake.

export interface ConfigIssue {
  /** Dotted key path in the file (`sip.proxy`), or the daemon flag (`--audio`). */
  readonly path: string;
  /** What is wrong and how to fix it, as one sentence. */
  readonly message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}`;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    /** The config file, or a description of where the values came from. */
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    const n = issues.length;
    super(
      `${source}: ${n} problem${n === 1 ? "" : "s"}:\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`,
    );
  }
}
