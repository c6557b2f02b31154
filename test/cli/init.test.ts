// `duet init` driven by flags through the real command in a child process (standard input is
// a pipe, not a terminal): the files it writes, their modes, and that they load.
import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadEndpointConfig } from "../../src/endpoint/config/index.js";
import { runDuet } from "./run-duet.js";

const root = mkdtempSync(join(tmpdir(), "duet-init-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => mkdtempSync(join(root, `case${++n}-`));

const ACCOUNT = [
  "--jid",
  "alice@chat.example.test",
  "--aor",
  "sip:alice@voip.example.test",
  "--sip-proxy",
  "sip:127.0.0.1:5060;transport=udp",
];
const mode = (path: string) => statSync(path).mode & 0o777;

describe("duet init with flags", () => {
  it("lists every missing flag when it cannot ask, and writes nothing", async () => {
    const cwd = freshDir();
    const r = await runDuet(["init", "--jid", "alice@chat.example.test"], { cwd });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      "duet: standard input is not a terminal, so duet init cannot ask; give these flags:\n" +
        "  --aor\n  --sip-proxy\n" +
        "  a password source: --password-env NAME, --password-file PATH or --password-stdin\n\n" +
        "Run `duet init --help` for all options.\n",
    );
    assert.ok(!existsSync(join(cwd, "duet.json")));
  });

  it("stores a password from stdin in a new 0600 file, never in the config, and the config loads", async () => {
    const cwd = freshDir();
    const r = await runDuet(
      ["init", ...ACCOUNT, "--xmpp-tls", "none", "--password-stdin", "--out", "conf/alice.json"],
      { cwd, input: 'pa ss"word\n' },
    );
    assert.equal(r.code, 0, r.stderr);
    const config = join(cwd, "conf/alice.json");
    const secret = join(cwd, "conf/alice.password");
    assert.equal(
      r.stdout,
      `Wrote ${config} (mode 600).\nStored a password in ${secret} (mode 600).\n` +
        `Start the endpoint with: duet daemon --config ${config}\n`,
    );
    assert.equal(mode(config), 0o600);
    assert.equal(mode(secret), 0o600);
    assert.equal(readFileSync(secret, "utf8"), 'pa ss"word\n');
    const text = readFileSync(config, "utf8");
    assert.ok(!text.includes("pa ss"), "the password is not in the config");
    assert.match(text, /^\/\/ Duet endpoint configuration, written by `duet init`\./);
    assert.match(
      text,
      /\/\/ Your bare JID \(user@domain\)\.\n {4}"jid": "alice@chat\.example\.test",/,
    );

    const c = loadEndpointConfig(config, { env: {} });
    assert.equal(c.xmpp.jid, "alice@chat.example.test");
    assert.equal(c.xmpp.password, 'pa ss"word');
    assert.equal(c.sip.password, 'pa ss"word');
    assert.equal(c.xmpp.service.url, "xmpp://chat.example.test:5222");
    assert.equal(c.xmpp.tls, "none");
    assert.equal(c.sip.aor.uri, "sip:alice@voip.example.test");
    assert.equal(c.sip.username, "alice");
    assert.match(c.sip.instanceId, /^urn:uuid:[0-9a-f-]{36}$/);
  });

  it("refers to environment variables, noting one that is not set here", async () => {
    const cwd = freshDir();
    const args = [
      "init",
      ...ACCOUNT,
      "--xmpp-password-env",
      "XP_TEST",
      "--sip-password-env",
      "SP_TEST",
    ];
    const r = await runDuet(args, { cwd, env: { XP_TEST: "x-secret", SP_TEST: undefined } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /Note: sip\.passwordEnv: the environment variable SP_TEST is not set — set it before starting Duet, or use a passwordFile\n/,
    );
    const config = join(cwd, "duet.json");
    assert.equal(mode(config), 0o600);
    const c = loadEndpointConfig(config, { env: { XP_TEST: "x-secret", SP_TEST: "s-secret" } });
    assert.equal(c.xmpp.password, "x-secret");
    assert.equal(c.sip.password, "s-secret");
    assert.equal(c.xmpp.tls, "required", "TLS is required unless --xmpp-tls none");
  });

  it("uses an existing password file only when others cannot read it", async () => {
    const cwd = freshDir();
    const secret = join(cwd, "secret.txt");
    writeFileSync(secret, "s3cret\n");
    chmodSync(secret, 0o644);
    const args = ["init", ...ACCOUNT, "--password-file", "secret.txt"];
    const refused = await runDuet(args, { cwd });
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /^duet: nothing was written:\n {2}--password-file \(xmpp\.passwordFile\): \S*secret\.txt can be read by group or others \(mode 644\) — run `chmod 600 \S*secret\.txt`\n$/,
    );
    assert.ok(!existsSync(join(cwd, "duet.json")));
    chmodSync(secret, 0o600);
    const r = await runDuet(args, { cwd });
    assert.equal(r.code, 0, r.stderr);
    const c = loadEndpointConfig(join(cwd, "duet.json"), { env: {} });
    assert.equal(c.sip.password, "s3cret");
    assert.match(readFileSync(join(cwd, "duet.json"), "utf8"), /"passwordFile": "secret\.txt"/);
  });

  it("refuses values the schema refuses, naming the flag and the key", async () => {
    const cwd = freshDir();
    const r = await runDuet(
      [
        "init",
        "--jid",
        "alice",
        "--aor",
        "sip:alice@voip.example.test",
        "--sip-proxy",
        "sip:127.0.0.1",
        "--password-env",
        "P",
      ],
      { cwd },
    );
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      "duet: these values are not usable; nothing was written:\n" +
        '  --jid (xmpp.jid): "alice" is not a bare JID — write it as user@domain, e.g. alice@example.com\n' +
        '  --sip-proxy (sip.proxy): "sip:127.0.0.1" does not say its transport — write it as sip:HOST:PORT;transport=udp (or tcp, tls), or sips:HOST:PORT\n',
    );
  });

  it("refuses to overwrite without --force; with it keeps the device's instance id", async () => {
    const cwd = freshDir();
    const args = ["init", ...ACCOUNT, "--password-env", "P"];
    assert.equal((await runDuet(args, { cwd })).code, 0);
    const config = join(cwd, "duet.json");
    const before = readFileSync(config, "utf8");
    const again = await runDuet(args, { cwd });
    assert.equal(again.code, 2);
    assert.equal(
      again.stderr,
      `duet: ${config} already exists — pass --force to overwrite it, or choose another --out.\n`,
    );
    assert.equal(readFileSync(config, "utf8"), before);
    const forced = await runDuet([...args, "--force", "--resource", "phone"], { cwd });
    assert.equal(forced.code, 0, forced.stderr);
    const id = (text: string) => /"instanceId": "([^"]+)"/.exec(text)![1];
    const after = readFileSync(config, "utf8");
    assert.equal(id(after), id(before));
    assert.match(after, /"resource": "phone"/);
  });

  it("rejects unknown options with the usage", async () => {
    const r = await runDuet(["init", "--jidd", "x"], { cwd: freshDir() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^duet: Unknown option "--jidd" for duet init\.\n\nUsage: duet init/);
  });
});
