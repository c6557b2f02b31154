import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ScramSha1Mechanism, ScramSha256Mechanism } from "../../src/xmpp/scram.js";

// RFC 7677 §3: the worked SCRAM-SHA-256 exchange (user "user", password "pencil").
describe("SCRAM-SHA-256 (RFC 7677)", () => {
  const creds = { username: "user", password: "pencil" };
  const serverFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  it("produces the RFC's client messages and verifies the server's signature", async () => {
    const mech = new ScramSha256Mechanism("rOprNGfwEbeRWgbNEkqO");
    assert.equal(await mech.response(creds), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    mech.challenge(serverFirst);
    assert.equal(
      await mech.response(creds),
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    );
    assert.doesNotThrow(() => mech.challenge("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
  });

  it("rejects a forged server signature and a nonce the client did not start", async () => {
    const mech = new ScramSha256Mechanism("rOprNGfwEbeRWgbNEkqO");
    await mech.response(creds);
    mech.challenge(serverFirst);
    await mech.response(creds);
    assert.throws(() => mech.challenge("v=AAAA"), /does not verify/);
    const other = new ScramSha256Mechanism("abc");
    await other.response(creds);
    other.challenge(serverFirst);
    await assert.rejects(other.response(creds), /malformed/);
  });
});

// RFC 5802 §5: the worked SCRAM-SHA-1 exchange (user "user", password "pencil").
describe("SCRAM-SHA-1 (RFC 5802)", () => {
  it("produces the RFC's client messages and verifies the server's signature", async () => {
    const creds = { username: "user", password: "pencil" };
    const mech = new ScramSha1Mechanism("fyko+d2lbbFgONRv9qkxdawL");
    assert.equal(mech.name, "SCRAM-SHA-1");
    assert.equal(await mech.response(creds), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    mech.challenge("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
    assert.equal(
      await mech.response(creds),
      "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    );
    assert.doesNotThrow(() => mech.challenge("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
  });
});
