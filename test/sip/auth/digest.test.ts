// Digest answers against the published examples (RFC 2617 §3.5, RFC 7616 §3.9.1) and the
// challenge handling of RFC 3261 §22: strongest algorithm first, nonce counts, stale=true.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  DigestSession,
  digestAuthorization,
  md5Hex,
  parseChallenge,
  pickChallenge,
  sha256Hex,
} from "../../../src/sip/auth/index.js";

const field = (header: string, name: string) =>
  new RegExp(`${name}="?([^",]+)"?`).exec(header)?.[1];

describe("digest authentication", () => {
  it("MD5 and SHA-256 agree with node:crypto on assorted inputs", () => {
    for (const s of [
      "",
      "abc",
      "a".repeat(55),
      "a".repeat(56),
      "a".repeat(64),
      "héllo ☎",
      "x".repeat(1000),
    ]) {
      assert.equal(md5Hex(s), createHash("md5").update(s).digest("hex"));
      assert.equal(sha256Hex(s), createHash("sha256").update(s).digest("hex"));
    }
  });

  it("answers the RFC 2617 §3.5 example (MD5, qop=auth)", () => {
    const ch = parseChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
      "WWW-Authenticate",
    );
    assert.ok(ch);
    const header = digestAuthorization({
      challenge: ch,
      credentials: { username: "Mufasa", password: "Circle Of Life" },
      method: "GET",
      uri: "/dir/index.html",
      nc: 1,
      cnonce: "0a4f113b",
    });
    assert.equal(field(header, "response"), "6629fae49393a05397450978507c4ef1");
    assert.equal(field(header, "nc"), "00000001");
    assert.equal(field(header, "opaque"), "5ccc069c403ebaf9f0171e9517f40e41");
  });

  it("answers the RFC 7616 §3.9.1 example with SHA-256 and with MD5", () => {
    const base = {
      credentials: { username: "Mufasa", password: "Circle of Life" },
      method: "GET",
      uri: "/dir/index.html",
      nc: 1,
      cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    };
    const challenge = (alg: string) =>
      parseChallenge(
        `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${alg}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
        "WWW-Authenticate",
      );
    const sha = digestAuthorization({ ...base, challenge: challenge("SHA-256")! });
    assert.equal(
      field(sha, "response"),
      "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
    );
    const md5 = digestAuthorization({ ...base, challenge: challenge("MD5")! });
    assert.equal(field(md5, "response"), "8ca523f5e9506fed4657c9700eebdbec");
  });

  it("prefers SHA-256 when offered both (RFC 8760 §2.4) and skips unknown schemes", () => {
    const ch = pickChallenge(
      [
        "NoOneKnowsThisScheme opaque-data=here",
        'Digest realm="r", nonce="n1", algorithm=MD5, qop="auth"',
        'Digest realm="r", nonce="n2", algorithm=SHA-256, qop="auth"',
      ],
      "WWW-Authenticate",
    );
    assert.equal(ch?.algorithm, "SHA-256");
    assert.equal(
      parseChallenge("NoOneKnowsThisScheme opaque-data=here", "WWW-Authenticate"),
      undefined,
    );
  });

  it("counts nonce uses, gives up on a repeated challenge, retries on stale=true", () => {
    const session = new DigestSession({ username: "alice", password: "alicepass" }, () => "c0ffee");
    const challenge = ['Digest realm="voip.example.test", nonce="abc", qop="auth"'];
    const first = session.answer(challenge, "Proxy-Authenticate", "INVITE", "sip:bob@x", false);
    const second = session.answer(challenge, "Proxy-Authenticate", "INVITE", "sip:bob@x", false);
    assert.equal(field(first ?? "", "nc"), "00000001");
    assert.equal(field(second ?? "", "nc"), "00000002");
    // The same challenge again right after our answer: wrong password, no endless loop.
    assert.equal(
      session.answer(challenge, "Proxy-Authenticate", "INVITE", "sip:bob@x", true),
      undefined,
    );
    const stale = ['Digest realm="voip.example.test", nonce="def", qop="auth", stale=true'];
    assert.ok(session.answer(stale, "Proxy-Authenticate", "INVITE", "sip:bob@x", true));
  });
});
