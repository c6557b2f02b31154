// The config schema: what it accepts (with defaults) and, for what it refuses, the exact
// message naming the key, what is wrong and how to fix it — all problems at once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type EndpointConfigInput,
  validateEndpointConfig,
} from "../../../src/endpoint/config/index.js";

/** A config being edited by a test: sections by name, each a loose object. */
type Draft = Record<string, Record<string, unknown>>;

const INSTANCE = "urn:uuid:8a1b2c3d-1111-4222-8333-444455556666";

function minimal(): Draft {
  return {
    xmpp: { jid: "alice@chat.example.com", service: "xmpp://chat.example.com", passwordEnv: "XP" },
    sip: {
      aor: "sip:alice.smith@voip.example.org",
      proxy: "sip:proxy.example.org;transport=tcp",
      passwordFile: "sip.password",
      instanceId: INSTANCE,
    },
  } satisfies EndpointConfigInput;
}

function issuesOf(raw: unknown): string[] {
  const r = validateEndpointConfig(raw);
  assert.equal(r.ok, false, "expected the config to be refused");
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

function accepted(raw: unknown) {
  const r = validateEndpointConfig(raw);
  if (!r.ok) assert.fail(r.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  return r.config;
}

describe("endpoint config schema", () => {
  it("accepts a minimal config and fills the defaults; TLS is required by default", () => {
    const c = accepted(minimal());
    assert.equal(c.version, 1);
    assert.equal(c.xmpp.jid, "alice@chat.example.com");
    assert.deepEqual(c.xmpp.service, {
      scheme: "xmpp",
      host: "chat.example.com",
      port: 5222,
      url: "xmpp://chat.example.com:5222",
    });
    assert.equal(c.xmpp.tls, "required");
    assert.equal(c.xmpp.resource, "duet");
    assert.deepEqual(c.sip.aor, {
      uri: "sip:alice.smith@voip.example.org",
      user: "alice.smith",
      host: "voip.example.org",
    });
    assert.deepEqual(c.sip.proxy, {
      uri: "sip:proxy.example.org:5060;transport=tcp",
      host: "proxy.example.org",
      port: 5060,
      transport: "tcp",
    });
    assert.equal(c.sip.registrationExpires, 3600);
    assert.deepEqual(c.media.audio, { kind: "silence" });
    assert.deepEqual(c.media.video, { kind: "none" });
    assert.deepEqual(c.media.codecs, { audio: ["opus", "PCMU", "PCMA"], video: ["VP8"] });
    assert.deepEqual(c.daemon.api, { host: "127.0.0.1", port: 0 });
    assert.equal(c.daemon.autoAnswer, false);
    assert.deepEqual(c.policy.discovery.allow, ["roster"]);
    assert.equal(c.policy.expiry.threadIdleMs, 24 * 3600_000);
    assert.deepEqual(c.coex, { enabled: true });
  });

  it("an xmpps:// service means direct TLS; plaintext only when tls is explicitly none", () => {
    const direct = minimal();
    direct.xmpp.service = "xmpps://chat.example.com";
    const d = accepted(direct);
    assert.equal(d.xmpp.tls, "direct");
    assert.equal(d.xmpp.service.port, 5223);
    const plain = minimal();
    plain.xmpp.tls = "none";
    plain.xmpp.websocket = "ws://127.0.0.1:5280/xmpp-websocket";
    assert.equal(accepted(plain).xmpp.tls, "none");
  });

  it("accepts every option set explicitly", () => {
    const c = accepted({
      version: 1,
      name: "alice",
      xmpp: {
        jid: "Alice@Chat.Example.com",
        password: "secret",
        service: "xmpp://[::1]:5222",
        websocket: "wss://chat.example.com/xmpp-websocket",
        tls: "required",
        resource: "duet-laptop",
      },
      sip: {
        aor: "sips:alice@voip.example.org",
        username: "alice-auth",
        password: "secret",
        realm: "voip.example.org",
        proxy: "sips:192.0.2.7:5061",
        websocket: "wss://voip.example.org:8443",
        instanceId: INSTANCE.toUpperCase().replace("URN:UUID:", "urn:uuid:"),
        registrationExpires: 600,
      },
      tls: { caFile: "ca.pem" },
      media: {
        audio: "file:sounds/hello.wav",
        video: "file:clip.ivf",
        record: "recordings",
        codecs: { audio: ["PCMA"], video: [] },
      },
      daemon: {
        api: "0.0.0.0:8080",
        apiTokenFile: "token",
        store: "duet.sqlite",
        autoAnswer: true,
      },
      policy: {
        discovery: { allow: ["roster", "domain:Example.COM", "sip:bob@example.com", "*"] },
        expiry: { threadIdleMs: 1000 },
      },
      coex: { enabled: false },
    });
    assert.equal(c.xmpp.jid, "Alice@chat.example.com", "the domain part is case-insensitive");
    assert.equal(c.xmpp.service.host, "[::1]");
    assert.equal(c.sip.instanceId, INSTANCE);
    assert.deepEqual(c.sip.proxy, {
      uri: "sips:192.0.2.7:5061;transport=tls",
      host: "192.0.2.7",
      port: 5061,
      transport: "tls",
    });
    assert.deepEqual(c.media.audio, { kind: "file", path: "sounds/hello.wav" });
    assert.deepEqual(c.media.video, { kind: "file", path: "clip.ivf" });
    assert.deepEqual(c.daemon.api, { host: "0.0.0.0", port: 8080 });
    assert.deepEqual(c.policy.discovery.allow, [
      "roster",
      "domain:example.com",
      "sip:bob@example.com",
      "*",
    ]);
    assert.equal(c.policy.expiry.threadIdleMs, 1000);
    assert.equal(c.policy.expiry.dialogGraceMs, 15 * 60_000, "unset expiry keys keep defaults");
    assert.deepEqual(c.coex, { enabled: false });
  });

  it("reports every problem at once, each naming its key, what is wrong and the fix", () => {
    const raw = minimal();
    raw.xmpp = { jid: "alice", servce: "xmpp://x", tls: "starttls", websocket: "ws://h/x" };
    raw.sip.proxy = "sip:proxy.example.org";
    raw.sip.password = "also";
    raw.media = { audio: "tone:3", codecs: { audio: ["opus", "opus"] } };
    raw.policy = { discovery: { allow: ["roster", "friends"] } };
    raw.daemon = { api: "localhost", autoAnswer: "yes" };
    (raw as Record<string, unknown>).extra = true;
    assert.deepEqual(issuesOf(raw), [
      'xmpp.jid: "alice" is not a bare JID — write it as user@domain, e.g. alice@example.com',
      'xmpp.service: missing — add it, e.g. "service": "xmpp://example.com:5222"',
      'xmpp.tls: must be "required", "direct" or "none", not the text "starttls"',
      'xmpp.servce: unknown key — did you mean "service"?',
      'xmpp.password: no password given — add "passwordFile": "PATH" (a file only you can read), "passwordEnv": "VARIABLE" or "password": "…"',
      'xmpp.websocket: ws://h/x is not encrypted while TLS is required — use a wss:// URL, or set "tls": "none" (test servers only)',
      'sip.proxy: "sip:proxy.example.org" does not say its transport — write it as sip:HOST:PORT;transport=udp (or tcp, tls), or sips:HOST:PORT',
      'sip.passwordFile: "password" and "passwordFile" are both given — keep only one',
      'media.audio: "tone:3" is not an audible tone — give a frequency from 20 to 20000 Hz, e.g. tone:440',
      "media.codecs.audio: names a codec twice — list each once, most preferred first",
      'daemon.api: "localhost" is not HOST:PORT — write it as HOST:PORT, e.g. 127.0.0.1:8080 (port 0 picks a free port)',
      'daemon.autoAnswer: must be true or false, not the text "yes"',
      'policy.discovery.allow[1]: "friends" is not a discovery rule — use "roster", "domain:example.com", "sip:user@example.com" or "*"',
      "extra: unknown key — remove it (known keys here: version, name, xmpp, sip, tls, media, daemon, policy, coex)",
    ]);
  });

  it("names missing sections and wrong types in the user's terms", () => {
    const issues = issuesOf({ xmpp: "alice@example.com" });
    assert.equal(
      issues[0],
      'xmpp: must be an object { … }, not the text "alice@example.com" — e.g. "xmpp": { "jid": "alice@example.com", "service": "xmpp://example.com:5222", "passwordFile": "xmpp.password" }',
    );
    assert.match(issues[1]!, /^sip: missing — add it, e.g. "sip": \{ "aor": /);
    assert.deepEqual(issuesOf([]), ["(top level): must be an object { … }, not a list"]);
  });

  it("suggests a fresh instance id when it is missing or malformed", () => {
    const raw = minimal();
    raw.sip.instanceId = "1234";
    const [issue] = issuesOf(raw);
    assert.match(
      issue!,
      /^sip\.instanceId: "1234" is not a UUID URN — use e\.g\. "urn:uuid:[0-9a-f-]{36}" and keep it unchanged afterwards$/,
    );
  });

  const refused: [string, (c: Draft) => void, string][] = [
    [
      "a JID with a resource",
      (c) => {
        c.xmpp.jid = "alice@example.com/phone";
      },
      'xmpp.jid: "alice@example.com/phone" has a resource — write it as user@domain, e.g. alice@example.com and set "resource" separately',
    ],
    [
      "a service that is not xmpp:// or xmpps://",
      (c) => {
        c.xmpp.service = "https://chat.example.com";
      },
      'xmpp.service: "https://chat.example.com" is not an XMPP service URL — write it as xmpp://HOST:PORT (STARTTLS or plain, usually port 5222) or xmpps://HOST:PORT (direct TLS, usually 5223)',
    ],
    [
      "a service port out of range",
      (c) => {
        c.xmpp.service = "xmpp://chat.example.com:70000";
      },
      'xmpp.service: "xmpp://chat.example.com:70000" has an invalid port — use a number from 1 to 65535',
    ],
    [
      "direct TLS with an xmpp:// service",
      (c) => {
        c.xmpp.tls = "direct";
      },
      'xmpp.tls: "direct" needs an xmpps:// service, but the service is xmpp://chat.example.com:5222 — use xmpps://HOST:PORT (usually 5223) or "tls": "required"',
    ],
    [
      "plaintext with an xmpps:// service",
      (c) => {
        c.xmpp.service = "xmpps://chat.example.com:5223";
        c.xmpp.tls = "none";
      },
      'xmpp.tls: "none" does not fit the service xmpps://chat.example.com:5223, which is TLS from the first byte — set "tls": "direct" or use an xmpp:// service',
    ],
    [
      "a SIP AOR without a user",
      (c) => {
        c.sip.aor = "sip:voip.example.org";
      },
      'sip.aor: "sip:voip.example.org" is not a SIP address of record — write it as sip:user@domain, e.g. sip:alice@example.com',
    ],
    [
      "a WebSocket transport as outbound proxy",
      (c) => {
        c.sip.proxy = "sip:proxy.example.org;transport=ws";
      },
      'sip.proxy: transport "ws" in "sip:proxy.example.org;transport=ws" is not supported here — use udp, tcp or tls (WebSocket goes in "websocket")',
    ],
    [
      "sips: over UDP",
      (c) => {
        c.sip.proxy = "sips:proxy.example.org;transport=udp";
      },
      'sip.proxy: "sips:proxy.example.org;transport=udp" asks for sips: over UDP, which cannot be secured (RFC 3261 §26.2.2) — use transport=tls',
    ],
    [
      "a plaintext SIP WebSocket beside a TLS proxy",
      (c) => {
        c.sip.proxy = "sip:proxy.example.org:5061;transport=tls";
        c.sip.websocket = "ws://proxy.example.org:8080";
      },
      "sip.websocket: ws://proxy.example.org:8080/ is not encrypted while the proxy uses TLS — use a wss:// URL",
    ],
    [
      "a registration expiry that is too short",
      (c) => {
        c.sip.registrationExpires = 10;
      },
      "sip.registrationExpires: must be at least 60 seconds — registrars refuse shorter ones (423)",
    ],
    [
      "a fractional registration expiry",
      (c) => {
        c.sip.registrationExpires = 90.5;
      },
      "sip.registrationExpires: must be a whole number of seconds (e.g. 3600), not the number 90.5",
    ],
    [
      "a bad environment variable name",
      (c) => {
        c.xmpp.passwordEnv = "MY-PASS";
      },
      "xmpp.passwordEnv: is not an environment variable name — use letters, digits and _, e.g. DUET_XMPP_PASSWORD",
    ],
    [
      "an empty password file path",
      (c) => {
        c.sip.passwordFile = "";
      },
      "sip.passwordFile: must not be empty — give the path of a file holding only the password or remove the key",
    ],
    [
      "a video file that is not IVF",
      (c) => {
        c.media = { video: "file:clip.mp4" };
      },
      'media.video: "file:clip.mp4" is not an IVF file — use file:PATH.ivf (VP8 in IVF) or none',
    ],
    [
      "an unknown audio source",
      (c) => {
        c.media = { audio: "microphone" };
      },
      'media.audio: "microphone" is not an audio source — use tone:HZ (e.g. tone:440), file:PATH.wav or silence',
    ],
    [
      "an unknown codec",
      (c) => {
        c.media = { codecs: { audio: ["G729"] } };
      },
      'media.codecs.audio[0]: must be one of opus, PCMU, PCMA, not the text "G729"',
    ],
    [
      "no audio codec",
      (c) => {
        c.media = { codecs: { audio: [] } };
      },
      "media.codecs.audio: must name at least one codec of opus, PCMU, PCMA",
    ],
    [
      "a token with a space",
      (c) => {
        c.daemon = { apiToken: "two words" };
      },
      "daemon.apiToken: the token must be non-empty printable ASCII without spaces — e.g. generate one with `openssl rand -hex 16`",
    ],
    [
      "both an API token and a token file",
      (c) => {
        c.daemon = { apiToken: "t0ken", apiTokenFile: "token" };
      },
      'daemon.apiTokenFile: "apiToken" and "apiTokenFile" are both given — keep only one',
    ],
    [
      "a negative expiry",
      (c) => {
        c.policy = { expiry: { dialogGraceMs: -1 } };
      },
      "policy.expiry.dialogGraceMs: must not be negative",
    ],
    [
      "an unknown expiry setting",
      (c) => {
        c.policy = { expiry: { threadIdle: 5 } };
      },
      'policy.expiry.threadIdle: unknown key — did you mean "threadIdleMs"?',
    ],
    [
      "a coex switch that is not a boolean",
      (c) => {
        c.coex = { enabled: "off" };
      },
      'coex.enabled: must be true or false, not the text "off"',
    ],
    [
      "another config version",
      (c) => {
        (c as Record<string, unknown>).version = 2;
      },
      "version: must be 1 (the only config format so far), not the number 2",
    ],
  ];
  for (const [what, change, message] of refused) {
    it(`refuses ${what}`, () => {
      const raw = minimal();
      change(raw);
      assert.deepEqual(issuesOf(raw), [message]);
    });
  }
});
