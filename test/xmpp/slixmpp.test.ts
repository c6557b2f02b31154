// Acceptance: a plain XMPP client (slixmpp, started by the test) and ours exchange messages both
// ways through the sandbox's Prosody, threads and XEP-0184 receipts included.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { testData } from "../helpers/paths.js";
import { useSandbox } from "../helpers/sandbox.js";
import { disconnectAll, eventually, freshAccount, makeClient, record } from "./support.js";

describe("interop with slixmpp (Prosody)", () => {
  const sandbox = useSandbox();
  let peer: ChildProcess | undefined;
  after(async () => {
    await disconnectAll();
    // Stopped by its pid, even when the test failed.
    if (peer?.pid && peer.exitCode === null) peer.kill("SIGKILL");
  });

  it("exchanges messages both ways with a slixmpp client", async () => {
    const info = sandbox();
    const ours = makeClient(info, freshAccount(info, "duet"), "d1").client;
    const theirs = freshAccount(info, "slix");
    await ours.connect();
    const got = record(ours.messaging.events, "message");
    const receipts = record(ours.messaging.events, "receipt");

    peer = spawn(
      "/usr/bin/python3",
      [
        testData("xmpp", "slixmpp_peer.py"),
        theirs.jid,
        theirs.password,
        info.xmpp.host,
        String(info.xmpp.tcpPort),
        ours.jid,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const lines: string[] = [];
    let stderr = "";
    peer.stderr?.on("data", (d) => {
      stderr += String(d);
    });
    createInterface({ input: peer.stdout! }).on("line", (l) => lines.push(l));
    const peerSays = (what: string, prefix: string) =>
      eventually(`slixmpp to report ${what} (stderr: ${stderr.slice(-500)})`, () =>
        lines.some((l) => l.startsWith(prefix)),
      );

    await peerSays("its session", "READY");
    await eventually("slixmpp's greeting", () =>
      got.some((e) => e.message.body === "hello from slixmpp"),
    );
    const greeting = got.find((e) => e.message.body === "hello from slixmpp")!;
    assert.equal(greeting.message.from.split("/")[0], theirs.jid);
    const slixFullJid = greeting.message.from;

    const id = ours.messaging.send({
      to: slixFullJid,
      body: "ping 1",
      thread: { id: "interop-thread" },
    });
    await peerSays("our message", "GOT ping 1");
    assert.ok(lines.includes("GOT ping 1 THREAD interop-thread"), lines.join("\n"));
    await eventually("the echo", () => got.some((e) => e.message.body === "echo: ping 1"));
    const echo = got.find((e) => e.message.body === "echo: ping 1")!;
    assert.equal(echo.message.thread?.id, "interop-thread");
    // slixmpp acknowledged our message with a XEP-0184 receipt; we acknowledged its echo.
    await eventually("slixmpp's receipt", () => receipts.some((r) => r.id === id));
    await peerSays("our receipt", "RECEIPT");

    ours.messaging.send({ to: slixFullJid, body: "bye" });
    await peerSays("the end", "DONE");
  });
});
