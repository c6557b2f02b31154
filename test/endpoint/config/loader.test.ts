// Loading config files: secrets from files (refused when others can read them) and from the
// environment, paths relative to the file, checks of the files named, and every problem of
// the file, its secrets and the daemon flags in one error.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, loadEndpointConfig } from "../../../src/endpoint/config/index.js";

/** A config being edited by a test: sections by name, each a loose object. */
type Draft = Record<string, Record<string, unknown>>;

const dir = mkdtempSync(join(tmpdir(), "duet-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

/** A config file in its own folder, with comments, using a password file for SIP. */
function configFile(changes: (c: Draft) => void = () => {}, mode = 0o600): string {
  const c: Draft = {
    xmpp: { jid: "alice@chat.example.test", service: "xmpp://127.0.0.1:5222", passwordEnv: "XP" },
    sip: {
      aor: "sip:alice@voip.example.test",
      proxy: "sip:127.0.0.1:5060;transport=udp",
      passwordFile: "sip.password",
      instanceId: "urn:uuid:8a1b2c3d-1111-4222-8333-444455556666",
    },
  };
  changes(c);
  const name = `config-${++counter}.json`;
  return write(name, `// written by a test\n${JSON.stringify(c, null, 2)}\n`, mode);
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail("expected the config to be refused");
}

write("sip.password", "s1p-secret\n");
const env = { XP: "xmpp-secret" };

describe("loading a config file", () => {
  it("reads secrets from the environment and from a 0600 file, strips one line ending", () => {
    const file = configFile();
    const c = loadEndpointConfig(file, { env });
    assert.equal(c.file, file);
    assert.equal(c.xmpp.password, "xmpp-secret");
    assert.equal(c.sip.password, "s1p-secret");
    assert.equal(c.sip.username, "alice", "the digest username defaults to the AOR's user part");
    assert.equal(c.sip.realm, "voip.example.test", "the realm defaults to the AOR's domain");
    assert.equal(c.daemon.store, file.replace(/\.json$/, ".sqlite"));
    assert.equal(c.daemon.apiToken, undefined);
    assert.equal(c.xmpp.tls, "required");
    assert.ok(!("passwordEnv" in c.xmpp) && !("passwordFile" in c.sip));
  });

  it("refuses a password file that group or others can read, saying how to fix it", () => {
    const loose = write("loose.password", "secret", 0o640);
    const file = configFile((c) => {
      c.sip.passwordFile = "loose.password";
    });
    assert.deepEqual(
      problems(() => loadEndpointConfig(file, { env })),
      [
        `sip.passwordFile: ${loose} can be read by group or others (mode 640) — run \`chmod 600 ${loose}\``,
      ],
    );
    chmodSync(loose, 0o604);
    assert.match(problems(() => loadEndpointConfig(file, { env }))[0]!, /\(mode 604\)/);
    chmodSync(loose, 0o400);
    assert.equal(loadEndpointConfig(file, { env }).sip.password, "secret");
  });

  it("refuses missing, empty and multi-line secret files and unset variables, all at once", () => {
    write("empty.password", "");
    write("two.password", "a\nb\n");
    const file = configFile((c) => {
      c.xmpp.passwordEnv = "NOT_SET_ANYWHERE";
      c.sip.passwordFile = "nowhere.password";
      c.daemon = { apiTokenFile: "empty.password" };
    });
    const missing = join(dir, "nowhere.password");
    assert.deepEqual(
      problems(() => loadEndpointConfig(file, { env: {} })),
      [
        "xmpp.passwordEnv: the environment variable NOT_SET_ANYWHERE is not set — set it before starting Duet, or use a passwordFile",
        `sip.passwordFile: ${missing} does not exist — create it holding only the secret, e.g. \`(umask 077; printf '%s' 'SECRET' > ${missing})\``,
        `daemon.apiTokenFile: ${join(dir, "empty.password")} is empty — write the secret into it`,
      ],
    );
    const twoLines = configFile((c) => {
      c.sip.passwordFile = "two.password";
    });
    assert.deepEqual(
      problems(() => loadEndpointConfig(twoLines, { env })),
      [
        `sip.passwordFile: ${join(dir, "two.password")} holds more than one line — keep only the secret in it`,
      ],
    );
  });

  it("reports a bad password file together with schema errors elsewhere", () => {
    const loose = write("loose2.password", "secret", 0o644);
    const file = configFile((c) => {
      c.xmpp.jid = "alice";
      c.sip.passwordFile = "loose2.password";
    });
    assert.deepEqual(
      problems(() => loadEndpointConfig(file, { env: {} })),
      [
        'xmpp.jid: "alice" is not a bare JID — write it as user@domain, e.g. alice@example.com',
        "xmpp.passwordEnv: the environment variable XP is not set — set it before starting Duet, or use a passwordFile",
        `sip.passwordFile: ${loose} can be read by group or others (mode 644) — run \`chmod 600 ${loose}\``,
      ],
    );
  });

  it("refuses an inline password in a config file others can read", () => {
    const file = configFile((c) => {
      delete c.xmpp.passwordEnv;
      c.xmpp.password = "inline";
    }, 0o644);
    assert.deepEqual(
      problems(() => loadEndpointConfig(file, { env })),
      [
        `xmpp.password: the password is written in ${file}, which group or others can read (mode 644) — run \`chmod 600 ${file}\` or move the password to a passwordFile`,
      ],
    );
    chmodSync(file, 0o600);
    assert.equal(loadEndpointConfig(file, { env }).xmpp.password, "inline");
  });

  it("takes relative paths from the config's folder and checks the files it names", () => {
    write("ca.pem", "-----BEGIN CERTIFICATE-----\n", 0o644);
    write("tone.wav", "RIFF", 0o644);
    const good = configFile((c) => {
      c.tls = { caFile: "ca.pem" };
      c.media = { audio: "file:tone.wav", record: "rec", video: "none" };
      c.daemon = { store: "db/alice.sqlite", apiToken: "tok3n" };
    });
    const c = loadEndpointConfig(good, { env });
    assert.equal(c.tls.caFile, join(dir, "ca.pem"));
    assert.deepEqual(c.media.audio, { kind: "file", path: join(dir, "tone.wav") });
    assert.equal(c.media.record, join(dir, "rec"));
    assert.equal(c.daemon.store, join(dir, "db/alice.sqlite"));
    assert.equal(c.daemon.apiToken, "tok3n");

    const bad = configFile((c) => {
      c.tls = { caFile: "missing-ca.pem" };
      c.media = { video: "file:missing.ivf" };
    });
    assert.deepEqual(
      problems(() => loadEndpointConfig(bad, { env })),
      [
        `tls.caFile: ${join(dir, "missing-ca.pem")} does not exist — point it at a PEM file of certificate authorities`,
        `media.video: ${join(dir, "missing.ivf")} does not exist — point it at an IVF file`,
      ],
    );
  });

  it("applies the daemon flags over the file, with paths from the working folder", () => {
    const file = configFile((c) => {
      c.daemon = { api: "127.0.0.1:7000", autoAnswer: false, apiToken: "from-file" };
      c.media = { audio: "tone:440" };
    });
    const c = loadEndpointConfig(file, {
      env,
      cwd: "/srv/work",
      overrides: {
        api: "[::1]:0",
        apiToken: "from-flag",
        autoAnswer: true,
        audio: "tone:880",
        record: "out",
        store: "/var/lib/duet/a.sqlite",
      },
    });
    assert.deepEqual(c.daemon, {
      api: { host: "::1", port: 0 },
      apiToken: "from-flag",
      autoAnswer: true,
      store: "/var/lib/duet/a.sqlite",
    });
    assert.deepEqual(c.media.audio, { kind: "tone", hz: 880 });
    assert.equal(c.media.record, "/srv/work/out");
    const kept = loadEndpointConfig(file, { env, overrides: {} });
    assert.deepEqual(kept.daemon.api, { host: "127.0.0.1", port: 7000 });
    assert.deepEqual(kept.media.audio, { kind: "tone", hz: 440 });
  });

  it("reports the flags' problems under the flag's name, together with the file's", () => {
    const file = configFile((c) => {
      c.sip.proxy = "sip:127.0.0.1";
    });
    assert.deepEqual(
      problems(() =>
        loadEndpointConfig(file, {
          env,
          overrides: { api: "127.0.0.1:99999", audio: "beep", video: "file:x.mp4", store: "" },
        }),
      ),
      [
        'sip.proxy: "sip:127.0.0.1" does not say its transport — write it as sip:HOST:PORT;transport=udp (or tcp, tls), or sips:HOST:PORT',
        '--api: "99999" is not a port — use a number from 0 to 65535',
        '--audio: "beep" is not an audio source — use tone:HZ (e.g. tone:440), file:PATH.wav or silence',
        '--video: "file:x.mp4" is not an IVF file — use file:PATH.ivf (VP8 in IVF) or none',
        "--store: must not be empty — give a path",
      ],
    );
  });

  it("explains a missing file and a JSON syntax error", () => {
    const missing = join(dir, "absent.json");
    assert.deepEqual(
      problems(() => loadEndpointConfig(missing)),
      [`(file): ${missing} does not exist — create one with \`duet init --out ${missing}\``],
    );
    const broken = write("broken.json", '{\n  "xmpp": {}\n  "sip": {}\n}');
    const [issue] = problems(() => loadEndpointConfig(broken));
    assert.match(issue!, /^\(file\): not valid JSON at line 3, column 3 /);
  });

  it("says how many problems there are, one per line, in the error message", () => {
    const file = configFile((c) => {
      c.xmpp.jid = "nope";
      c.sip.aor = "nope";
    });
    try {
      loadEndpointConfig(file, { env });
      assert.fail("expected a ConfigError");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.message,
        `${file}: 2 problems:\n` +
          '  xmpp.jid: "nope" is not a bare JID — write it as user@domain, e.g. alice@example.com\n' +
          '  sip.aor: "nope" is not a SIP address of record — write it as sip:user@domain, e.g. sip:alice@example.com',
      );
    }
  });
});
