// Bytes on the wire per chat message (issue 6): the same thread of messages sent by a daemon
// with Duet's profile on and by the same daemon with it off, measured on the stanzas the daemon
// wrote to the XMPP stream (`--trace xmpp`). The profile's payload rides on the first message of
// a thread only (PROFILE.md §3.2 step 1): every later message must cost zero extra bytes. Run:
//   npx tsc -p tsconfig.json && node dist/bench/overhead.js [messages]

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SandboxInfo, startSandbox, stopSandbox } from "../src/sandbox/index.js";
import { DaemonProcess } from "../test/endpoint/support/daemon-process.js";

const MESSAGES = Number(process.argv[2] ?? 20);
const root = mkdtempSync(join(tmpdir(), "duet-bench-overhead-"));

async function sizes(info: SandboxInfo, enabled: boolean): Promise<number[]> {
  const config = JSON.parse(readFileSync(info.accounts.alice.config, "utf8")) as object;
  const file = join(root, `alice-${enabled ? "on" : "off"}.json`);
  writeFileSync(file, JSON.stringify({ ...config, coex: { enabled } }), { mode: 0o600 });
  const alice = await DaemonProcess.start("alice", {
    config: file,
    dir: join(root, enabled ? "on" : "off"),
    extra: ["--trace", "xmpp"],
  });
  try {
    const texts = Array.from(
      { length: MESSAGES },
      (_, i) => `message number ${i + 1} of the thread`,
    );
    const { conversation } = await alice.rpc.call("conversations.start", {
      peer: `xmpp:${info.accounts.bob.jid}`,
      text: texts[0]!,
    });
    for (const text of texts.slice(1))
      await alice.rpc.call("messages.send", { conversation, text });
    await new Promise((r) => setTimeout(r, 300));
    return texts.map((t) => {
      const stanza = alice
        .wire("xmpp", "out")
        .find((x) => x.startsWith("<message") && x.includes(`<body>${t}</body>`));
      if (!stanza) throw new Error(`no stanza for "${t}" in the trace`);
      return Buffer.byteLength(stanza, "utf8");
    });
  } finally {
    await alice.stop();
  }
}

const info = await startSandbox({ dir: join(root, "sandbox") });
try {
  const on = await sizes(info, true);
  const off = await sizes(info, false);
  const extra = on.map((b, i) => b - off[i]!);
  console.log("message  with profile  without  extra bytes");
  for (const [i, x] of extra.entries()) {
    console.log(
      `${String(i + 1).padStart(7)}  ${String(on[i]).padStart(12)}  ${String(off[i]).padStart(7)}  ${String(x).padStart(11)}`,
    );
  }
  const later = extra.slice(1);
  console.log(`first message: ${extra[0]} extra bytes (the <sip/> advertisement)`);
  console.log(
    `messages 2-${MESSAGES}: ${later.reduce((a, b) => a + b, 0)} extra bytes in all (target: 0)`,
  );
} finally {
  await stopSandbox(info.dir);
  rmSync(root, { recursive: true, force: true });
}
