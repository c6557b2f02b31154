// Foundation acceptance: `duet servers start|status|stop` as a person runs them (the real
// command in a child process), two sandboxes side by side, nothing left after stop, and clear
// failures.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type SandboxInfo, sandboxPorts, sandboxStatus } from "../../src/sandbox/index.js";
import { isPortFree } from "../../src/sandbox/ports.js";
import { livePidsInGroup } from "../../src/sandbox/processes.js";
import { repoRoot } from "../helpers/paths.js";
import { RawSipUdpPeer } from "../helpers/raw-sip.js";
import { rawRegister } from "../helpers/raw-sip-flows.js";
import { startTestSandbox, stopTestSandbox } from "../helpers/sandbox.js";

const sandboxRoot = () => process.env.DUET_SANDBOX_ROOT ?? tmpdir();

function duet(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "duet.js"), ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("duet servers (the command)", () => {
  it("start prints servers.json, status says both answer, stop leaves no process and no port", async () => {
    const dir = join(mkdtempSync(join(sandboxRoot(), "cli-")), "sandbox");
    const start = duet("servers", "start", "--dir", dir);
    assert.equal(start.code, 0, start.stderr);
    try {
      await checkStartedThenStop(dir, start.stdout);
    } finally {
      // Whatever failed above, the sandbox this test started does not outlive it.
      if (existsSync(join(dir, "servers.json"))) duet("servers", "stop", "--dir", dir);
    }
  });

  async function checkStartedThenStop(dir: string, stdout: string): Promise<void> {
    const start = { stdout };
    const printed = JSON.parse(start.stdout) as SandboxInfo;
    const written = JSON.parse(readFileSync(join(dir, "servers.json"), "utf8")) as SandboxInfo;
    assert.deepEqual(printed, written);
    assert.equal(printed.dir, dir);
    assert.equal(printed.domains.xmpp, "chat.example.test");
    assert.equal(printed.domains.sip, "voip.example.test");
    assert.match(printed.xmpp.websocketUrl, /^ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket$/);
    assert.match(printed.sip.websocketUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(printed.sip.udpPort && printed.xmpp.tcpPort);
    for (const pid of Object.values(printed.pids)) assert.ok(livePidsInGroup(pid).length > 0);

    const status = duet("servers", "status", "--dir", dir);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const s = JSON.parse(status.stdout);
    assert.deepEqual([s.xmpp.server, s.xmpp.answering, s.sip.answering], ["prosody", true, true]);

    const listed = duet("servers", "status");
    assert.ok(
      (JSON.parse(listed.stdout) as { dir: string }[]).some((x) => x.dir === dir),
      "status without --dir lists the running sandbox",
    );

    const stop = duet("servers", "stop", "--dir", dir);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(JSON.parse(stop.stdout).portsFree, true);
    for (const pid of Object.values(printed.pids)) {
      assert.deepEqual(livePidsInGroup(pid), [], `process group ${pid} still has processes`);
    }
    for (const port of sandboxPorts(printed))
      assert.ok(await isPortFree(port), `port ${port} held`);
    assert.ok(await isPortFree(printed.sip.udpPort!, true), "SIP UDP port held");

    const listedAfter = duet("servers", "status");
    assert.ok(!(JSON.parse(listedAfter.stdout) as { dir: string }[]).some((x) => x.dir === dir));

    const after = duet("servers", "status", "--dir", dir);
    assert.equal(after.code, 1);
    const a = JSON.parse(after.stdout);
    assert.deepEqual([a.xmpp.running, a.sip.running], [false, false]);
  }

  it("two sandboxes run at the same time without conflict", async () => {
    const [one, two] = await Promise.all([startTestSandbox(), startTestSandbox({ sbc: "topoh" })]);
    try {
      assert.notEqual(one.dir, two.dir);
      const shared = sandboxPorts(one).filter((p) => sandboxPorts(two).includes(p));
      assert.deepEqual(shared, [], "no port shared between the two sandboxes");
      const statuses = await Promise.all([sandboxStatus(one.dir), sandboxStatus(two.dir)]);
      for (const st of statuses)
        assert.deepEqual([st.xmpp.answering, st.sip.answering], [true, true]);
      // Each registrar holds its own registrations: carol registers in one only.
      const peer = await RawSipUdpPeer.open(one.sip.udpPort!);
      try {
        const reg = await rawRegister(peer, one, one.accounts.carol);
        assert.equal(reg.status, 200, reg.startLine);
      } finally {
        peer.close();
      }
    } finally {
      await Promise.all([stopTestSandbox(one), stopTestSandbox(two)]);
    }
  });

  it("a port in use is named with the fix, and nothing is left running", async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen({ host: "127.0.0.1", port: 0 }, r));
    const port = (holder.address() as { port: number }).port;
    try {
      const dir = join(mkdtempSync(join(sandboxRoot(), "busy-")), "sandbox");
      const r = duet("servers", "start", "--dir", dir, "--xmpp-port", String(port));
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use`));
      assert.match(r.stderr, /--xmpp-port/);
      assert.equal(existsSync(join(dir, "servers.json")), false);
    } finally {
      holder.close();
    }
  });

  it("bad usage gets a message that says what is wrong and exit code 2", () => {
    const sbc = duet("servers", "start", "--sbc", "nat");
    assert.equal(sbc.code, 2);
    assert.match(
      sbc.stderr,
      /--sbc must be one of none, topoh, strip-call-info, strip-all, not "nat"/,
    );
    const stop = duet("servers", "stop");
    assert.equal(stop.code, 2);
    assert.match(stop.stderr, /needs --dir DIR/);
    const unknown = duet("servers", "restart");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "duet servers restart"/);
    const port = duet("servers", "start", "--sip-port", "70000");
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--sip-port must be a port number/);
  });

  it("stop on a folder without a sandbox says so", () => {
    const dir = mkdtempSync(join(sandboxRoot(), "empty-"));
    const r = duet("servers", "stop", "--dir", dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No sandbox in .*servers\.json is missing/);
  });
});

describe("duet servers start when a server exits at start", () => {
  it("shows the last lines of that server's log and stops the other one", async () => {
    // A `kamailio` earlier on PATH that fails the way a broken installation does.
    const bin = mkdtempSync(join(sandboxRoot(), "bin-"));
    writeFileSync(
      join(bin, "kamailio"),
      "#!/bin/sh\necho 'ERROR: <core> loading module tm.so: cannot open shared object file' >&2\nexit 255\n",
      { mode: 0o755 },
    );
    const dir = join(mkdtempSync(join(sandboxRoot(), "broken-")), "sandbox");
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, "bin", "duet.js"), "servers", "start", "--dir", dir],
      {
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /kamailio exited at start \(exit code 255\)/);
    assert.match(r.stderr, /cannot open shared object file/);
    assert.equal(existsSync(join(dir, "servers.json")), false);
    // Prosody had been started first: it must not be left running.
    const pidFile = join(dir, "prosody", "prosody.pid");
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      assert.deepEqual(livePidsInGroup(pid), [], "prosody left running");
    }
  });
});
