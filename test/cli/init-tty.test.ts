// `duet init` on a real pseudo-terminal: it asks with defaults shown, re-asks when an answer
// is refused, never shows a typed password, writes the password files 0600 and a config that
// loads; Ctrl-C leaves nothing behind.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadEndpointConfig } from "../../src/endpoint/config/index.js";
import { PtySession } from "./pty.js";
import { duetBin } from "./run-duet.js";

const root = mkdtempSync(join(tmpdir(), "duet-init-tty-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const mode = (path: string) => statSync(path).mode & 0o777;

async function withInit(
  args: readonly string[],
  drive: (pty: PtySession) => Promise<void>,
): Promise<{ cwd: string; screen: string; code: number | null }> {
  const cwd = mkdtempSync(join(root, `case${++n}-`));
  const pty = new PtySession([process.execPath, duetBin, "init", ...args], { cwd });
  try {
    await drive(pty);
    const code = await pty.exited;
    return { cwd, screen: pty.screen, code };
  } finally {
    pty.kill();
  }
}

/** Answers one question: waits for it, types the answer and Enter; returns where it was. */
async function answer(pty: PtySession, question: string, keys: string, from = 0): Promise<number> {
  const at = await pty.waitFor(question, from);
  pty.type(`${keys}\r`);
  return at;
}

describe("duet init on a terminal", () => {
  it("asks for each address, re-asks a bad one, hides one shared password", async () => {
    const { cwd, screen, code } = await withInit(["--out", "alice.json"], async (pty) => {
      let at = await answer(pty, "Your XMPP address (JID): ", "alice");
      at = await pty.waitFor('"alice" is not a bare JID — write it as user@domain', at);
      at = await answer(pty, "Your XMPP address (JID): ", "alice@chat.example.test", at);
      at = await answer(pty, "XMPP server [xmpp://chat.example.test:5222]: ", "", at);
      at = await answer(pty, "Your SIP address (AOR): ", "sip:alice@voip.example.test", at);
      at = await answer(pty, "SIP authentication username [alice]: ", "", at);
      at = await answer(
        pty,
        "SIP outbound proxy (e.g. sip:HOST:5060;transport=tcp): ",
        "sip:127.0.0.1:5060;transport=udp",
        at,
      );
      at = await answer(
        pty,
        "Keep passwords in a file only you can read (file) or in environment variables (env)? [file]: ",
        "",
        at,
      );
      at = await answer(pty, "XMPP password: ", "hunter2-xmpp", at);
      await answer(pty, "SIP password (Enter: the same as XMPP): ", "", at);
      await pty.waitFor("Start the endpoint with:", at);
    });
    assert.equal(code, 0, screen);
    assert.ok(screen.includes("sip:127.0.0.1:5060;transport=udp"), "visible answers are echoed");
    assert.ok(!screen.includes("hunter2"), "the password never appears on the screen");
    const config = join(cwd, "alice.json");
    const secret = join(cwd, "alice.password");
    assert.match(screen, new RegExp(`Stored a password in ${secret} \\(mode 600\\)`));
    assert.deepEqual(readdirSync(cwd).sort(), ["alice.json", "alice.password"]);
    assert.equal(mode(config), 0o600);
    assert.equal(mode(secret), 0o600);
    assert.ok(!readFileSync(config, "utf8").includes("hunter2"));
    const c = loadEndpointConfig(config, { env: {} });
    assert.equal(c.xmpp.jid, "alice@chat.example.test");
    assert.equal(c.xmpp.service.url, "xmpp://chat.example.test:5222");
    assert.equal(c.xmpp.tls, "required");
    assert.equal(c.xmpp.password, "hunter2-xmpp");
    assert.equal(c.sip.aor.uri, "sip:alice@voip.example.test");
    assert.equal(c.sip.password, "hunter2-xmpp");
  });

  it("takes what the flags give, and stores two different passwords in two files", async () => {
    const args = ["--jid", "bob@chat.example.test", "--aor", "sip:robert@voip.example.test"];
    const { cwd, screen, code } = await withInit(args, async (pty) => {
      let at = await answer(
        pty,
        "XMPP server [xmpp://chat.example.test:5222]: ",
        "xmpps://127.0.0.1:5223",
      );
      at = await answer(pty, "SIP authentication username [robert]: ", "robert-auth", at);
      at = await answer(pty, "SIP outbound proxy", "sips:127.0.0.1:5061", at);
      at = await answer(pty, "(file) or in environment variables (env)? [file]: ", "file", at);
      at = await answer(pty, "XMPP password: ", "bob-xmpp-pw", at);
      await answer(pty, "SIP password (Enter: the same as XMPP): ", "bob-sip-pw", at);
      await pty.waitFor("Start the endpoint with:", at);
    });
    assert.equal(code, 0, screen);
    assert.ok(!screen.includes("-pw"), "no password on the screen");
    assert.ok(!screen.includes("Your XMPP address"), "no question for what a flag gave");
    assert.deepEqual(readdirSync(cwd).sort(), [
      "duet.json",
      "duet.sip.password",
      "duet.xmpp.password",
    ]);
    assert.equal(mode(join(cwd, "duet.xmpp.password")), 0o600);
    assert.equal(mode(join(cwd, "duet.sip.password")), 0o600);
    const c = loadEndpointConfig(join(cwd, "duet.json"), { env: {} });
    assert.equal(c.xmpp.tls, "direct");
    assert.equal(c.xmpp.password, "bob-xmpp-pw");
    assert.equal(c.sip.password, "bob-sip-pw");
    assert.equal(c.sip.username, "robert-auth");
    assert.equal(c.sip.proxy.transport, "tls");
  });

  it("can name environment variables instead of storing passwords", async () => {
    const args = ["--jid", "carol@chat.example.test", "--aor", "sip:+15550100@voip.example.test"];
    const { cwd, screen, code } = await withInit(args, async (pty) => {
      let at = await answer(pty, "XMPP server", "");
      at = await answer(pty, "SIP authentication username [+15550100]: ", "", at);
      at = await answer(pty, "SIP outbound proxy", "sip:127.0.0.1:5060;transport=tcp", at);
      at = await answer(pty, "[file]: ", "env", at);
      at = await answer(
        pty,
        "Environment variable for the XMPP password [DUET_XMPP_PASSWORD]: ",
        "",
        at,
      );
      await answer(
        pty,
        "Environment variable for the SIP password [DUET_SIP_PASSWORD]: ",
        "CAROL_SIP",
        at,
      );
      await pty.waitFor("Start the endpoint with:", at);
    });
    assert.equal(code, 0, screen);
    assert.deepEqual(readdirSync(cwd), ["duet.json"]);
    const c = loadEndpointConfig(join(cwd, "duet.json"), {
      env: { DUET_XMPP_PASSWORD: "c-x", CAROL_SIP: "c-s" },
    });
    assert.equal(c.xmpp.password, "c-x");
    assert.equal(c.sip.password, "c-s");
  });

  it("Ctrl-C cancels and writes nothing", async () => {
    const { cwd, screen, code } = await withInit([], async (pty) => {
      const at = await answer(pty, "Your XMPP address (JID): ", "alice@chat.example.test");
      await pty.waitFor("XMPP server", at);
      pty.type("\x03");
    });
    assert.equal(code, 2, screen);
    assert.match(screen, /duet: duet init was cancelled; nothing was written\./);
    assert.ok(!existsSync(join(cwd, "duet.json")));
    assert.deepEqual(readdirSync(cwd), []);
  });
});
