// Child process for kill.test.ts: receives messages through a real CoexEngine and records each
// with recordIncoming(), printing "ack ID" only after it returned (what the endpoint would do
// before emitting the message). Every 20th message it also saves the engine's snapshot, so the
// parent's SIGKILL can land in either kind of transaction. It writes until killed, or stops by
// itself after 20000 messages (exit code 3) so that an orphan cannot run forever.
// Usage: node kill-writer.js DB_PATH PREFIX

import { CoexEngine } from "../../../src/coex/index.js";
import { systemClock } from "../../../src/common/clock.js";
import { DuetStore } from "../../../src/endpoint/store/index.js";

const [path, prefix] = process.argv.slice(2);
if (!path || !prefix) {
  process.stderr.write("usage: kill-writer DB_PATH PREFIX\n");
  process.exit(2);
}
const store = DuetStore.open(path);
const engine = new CoexEngine({
  self: { jid: "alice@chat.example.test/duet", media: ["audio"] },
  clock: systemClock,
  snapshot: store.loadSnapshot(),
});
process.stdout.write("ready\n");
const LIMIT = 20_000;
for (let i = 0; i < LIMIT; i++) {
  const { conversation, actions } = engine.receiveMessage({
    from: "bob@chat.example.test/phone",
    thread: `thread-${prefix}`,
    body: `${prefix} message ${i}`,
  });
  for (const a of actions) {
    if (a.type === "event" && a.event.type === "message.received") {
      const stored = store.recordIncoming(engine.conversation(conversation!), a.event.message);
      process.stdout.write(`ack ${stored.id} ${stored.text}\n`);
    }
  }
  if (i % 20 === 19) store.saveSnapshot(engine.snapshot());
}
store.close();
process.exit(3);
