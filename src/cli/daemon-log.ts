// Reading `duet daemon`'s log lines back (the JSON format of --log-format json): the wire
// traffic --trace wrote, for programs that drive a daemon and want to look at what it sent or
// received (the demo, the tests).

/** The traced messages of `protocol` in direction `dir`, oldest first; other lines are skipped. */
export function tracedMessages(
  lines: Iterable<string>,
  protocol: "sip" | "xmpp",
  dir: "in" | "out",
): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      const e = JSON.parse(line) as {
        level?: string;
        area?: string;
        dir?: string;
        message?: string;
      };
      if (e.level === "trace" && e.area === protocol && e.dir === dir && e.message)
        out.push(e.message);
    } catch {
      // not a log line, or one cut short while the daemon writes it
    }
  }
  return out;
}
