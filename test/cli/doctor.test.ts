// `duet doctor` against the sandbox's real Prosody and Kamailio, run as the real command: a good
// configuration passes, wrong passwords are reported by name with the key to fix, an
// unreachable server is reported as such, and behind the `strip-all` SBC the doctor finds that
// Call-Info (and Session-ID) do not survive the path.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { DoctorCheck } from "../../src/cli/doctor.js";
import type { SandboxInfo } from "../../src/sandbox/index.js";
import { pickFreePorts } from "../../src/sandbox/ports.js";
import { useSandbox } from "../helpers/sandbox.js";
import { runDuet } from "./run-duet.js";

const work = mkdtempSync(join(tmpdir(), "duet-doctor-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** A copy of an account's config with some keys changed (mode 0600: it holds passwords). */
function variant(
  info: SandboxInfo,
  who: "alice" | "bob",
  name: string,
  change: (c: { xmpp: Record<string, unknown>; sip: Record<string, unknown> }) => void,
): string {
  const config = JSON.parse(readFileSync(info.accounts[who].config, "utf8"));
  change(config);
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

async function doctorJson(
  config: string,
  extra: string[] = [],
): Promise<{ code: number | null; checks: Map<string, DoctorCheck> }> {
  const r = await runDuet(["doctor", "--config", config, "--json", ...extra], { cwd: work });
  const line = r.stdout.trim().split("\n").at(-1) ?? "";
  let list: DoctorCheck[];
  try {
    list = JSON.parse(line) as DoctorCheck[];
  } catch {
    throw new Error(`duet doctor printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, checks: new Map(list.map((c) => [c.name, c])) };
}

function status(checks: Map<string, DoctorCheck>, name: string): string {
  const c = checks.get(name);
  assert.ok(c, `no ${name} check in ${[...checks.keys()].join(", ")}`);
  return c.status;
}

describe("duet doctor against the plain sandbox", () => {
  const sandbox = useSandbox();

  it("passes a good configuration, with every check of the path", { timeout: 60_000 }, async () => {
    const { code, checks } = await doctorJson(sandbox().accounts.alice.config);
    const failed = [...checks.values()].filter((c) => c.status === "fail");
    assert.deepEqual(failed, [], "a good configuration failed checks");
    assert.equal(code, 0);
    for (const name of [
      "xmpp-reachable",
      "xmpp-login",
      "sip-reachable",
      "sip-registration",
      "gruu",
      "call-info",
      "session-id",
    ]) {
      assert.equal(status(checks, name), "ok", `${name}: ${checks.get(name)?.message}`);
    }
    // The sandbox's hosts are addresses: DNS is skipped with a note that says so.
    assert.equal(status(checks, "dns-xmpp"), "skip");
    assert.match(
      checks.get("dns-xmpp")!.message,
      /127\.0\.0\.1.*_xmpp-client\._tcp\.chat\.example\.test/,
    );
    assert.equal(status(checks, "dns-sip"), "skip");
    assert.match(checks.get("dns-sip")!.message, /_sips\._tcp/);
    assert.equal(status(checks, "xmpp-tls"), "skip");
    assert.match(checks.get("gruu")!.message, /;gr=urn:uuid:/);
  });

  it("names a wrong XMPP password and a wrong SIP password, each with its key", {
    timeout: 60_000,
  }, async () => {
    const file = variant(sandbox(), "alice", "wrong-passwords", (c) => {
      c.xmpp.password = "not-alices-password";
      c.sip.password = "not-alices-password";
    });
    const text = await runDuet(["doctor", "--config", file], { cwd: work });
    assert.equal(text.code, 1, text.stdout + text.stderr);
    assert.match(
      text.stdout,
      /✗ xmpp-login +the server refused the login of alice@chat\.example\.test: wrong password/,
    );
    assert.match(text.stdout, /fix: check xmpp\.password/);
    assert.match(
      text.stdout,
      /✗ sip-registration +the registrar refused the credentials of alice \(\d{3}\): wrong password/,
    );
    assert.match(text.stdout, /fix: check sip\.password/);
    assert.match(text.stdout, /✓ xmpp-reachable/);
    assert.match(text.stdout, /\d+ checks: \d+ ok, \d+ warnings, 2 failed/);

    const { checks } = await doctorJson(file);
    assert.equal(status(checks, "xmpp-login"), "fail");
    assert.equal(status(checks, "sip-registration"), "fail");
    assert.equal(status(checks, "call-info"), "skip");
  });

  it("reports servers that cannot be reached, and skips what depends on them", {
    timeout: 60_000,
  }, async () => {
    const [xmppPort, sipPort] = await pickFreePorts(2, 2);
    const file = variant(sandbox(), "alice", "unreachable", (c) => {
      c.xmpp.service = `xmpp://127.0.0.1:${xmppPort}`;
      c.sip.proxy = `sip:127.0.0.1:${sipPort};transport=udp`;
    });
    const { code, checks } = await doctorJson(file, ["--timeout", "1500"]);
    assert.equal(code, 1);
    assert.equal(status(checks, "xmpp-reachable"), "fail");
    assert.match(
      checks.get("xmpp-reachable")!.message,
      new RegExp(`127\\.0\\.0\\.1:${xmppPort}.*ECONNREFUSED`),
    );
    assert.match(checks.get("xmpp-reachable")!.fix!, /xmpp\.service/);
    assert.equal(status(checks, "sip-reachable"), "fail");
    assert.match(checks.get("sip-reachable")!.fix!, /sip\.proxy/);
    for (const name of ["xmpp-tls", "xmpp-login", "sip-tls", "sip-registration", "call-info"])
      assert.equal(status(checks, name), "skip", name);

    // A host name that cannot exist (RFC 6761 .invalid): the DNS checks say which key to fix.
    const unknown = variant(sandbox(), "alice", "unknown-hosts", (c) => {
      c.xmpp.service = "xmpp://xmpp.no-such-host.invalid:5222";
      c.sip.proxy = "sip:sip.no-such-host.invalid:5060;transport=udp";
    });
    const dns = await doctorJson(unknown, ["--timeout", "1500"]);
    assert.equal(dns.code, 1);
    assert.equal(status(dns.checks, "dns-xmpp"), "fail");
    assert.match(
      dns.checks.get("dns-xmpp")!.message,
      /xmpp\.no-such-host\.invalid .*does not resolve/,
    );
    assert.match(dns.checks.get("dns-xmpp")!.fix!, /xmpp\.service/);
    assert.equal(status(dns.checks, "dns-sip"), "fail");
    assert.match(dns.checks.get("dns-sip")!.fix!, /sip\.proxy/);
    assert.equal(status(dns.checks, "xmpp-reachable"), "fail");
    assert.equal(status(dns.checks, "sip-reachable"), "fail");
  });
});

describe("duet doctor behind the strip-all SBC", () => {
  const sandbox = useSandbox({ sbc: "strip-all" });

  it("reports that Call-Info and Session-ID are stripped on the path", {
    timeout: 60_000,
  }, async () => {
    const { code, checks } = await doctorJson(sandbox().accounts.bob.config);
    assert.equal(code, 1);
    assert.equal(status(checks, "sip-registration"), "ok");
    assert.equal(status(checks, "call-info"), "fail");
    assert.match(checks.get("call-info")!.message, /Call-Info is stripped/);
    assert.match(checks.get("call-info")!.fix!, /pass Call-Info/);
    assert.equal(status(checks, "session-id"), "fail");
    assert.match(checks.get("session-id")!.message, /Session-ID is stripped/);
    // Everything else about the account is fine.
    assert.equal(status(checks, "xmpp-login"), "ok");
    assert.equal(status(checks, "gruu"), "ok");
  });
});

describe("duet doctor against the TLS sandbox", () => {
  const sandbox = useSandbox({ tls: true });

  it("checks both certificates; without the CA it says to set tls.caFile", {
    timeout: 60_000,
  }, async () => {
    const good = await doctorJson(sandbox().accounts.alice.config);
    assert.equal(good.code, 0, JSON.stringify([...good.checks.values()]));
    assert.equal(status(good.checks, "xmpp-tls"), "ok");
    assert.match(good.checks.get("xmpp-tls")!.message, /STARTTLS .* valid for chat\.example\.test/);
    assert.equal(status(good.checks, "sip-tls"), "ok");
    assert.match(good.checks.get("sip-tls")!.message, /valid for voip\.example\.test/);

    const file = variant(sandbox(), "alice", "no-ca", (c) => {
      delete (c as { tls?: unknown }).tls;
    });
    const bad = await doctorJson(file);
    assert.equal(bad.code, 1);
    assert.equal(status(bad.checks, "xmpp-tls"), "fail");
    assert.match(bad.checks.get("xmpp-tls")!.fix!, /tls\.caFile/);
    assert.equal(status(bad.checks, "sip-tls"), "fail");
    assert.equal(status(bad.checks, "xmpp-login"), "fail");
  });
});
