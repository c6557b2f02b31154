// Missing Debian packages: as a normal user, the error names the packages and the exact
// command; nothing is attempted.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ensurePackages, MissingPackagesError } from "../../src/sandbox/install.js";

describe("ensurePackages", () => {
  it("as a normal user, names the missing packages and the exact command to run", () => {
    const lines: string[] = [];
    assert.throws(
      () =>
        ensurePackages({ tls: true, xmppServer: "prosody" }, (l) => lines.push(l), {
          missing: ({ tls }) => (tls ? ["kamailio-tls-modules", "openssl"] : []),
          isRoot: () => false,
        }),
      (e: unknown) =>
        e instanceof MissingPackagesError &&
        e.packages.join(" ") === "kamailio-tls-modules openssl" &&
        e.message.includes(
          "sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends kamailio-tls-modules openssl'",
        ),
    );
    assert.deepEqual(lines, [], "no install was attempted");
  });

  it("does nothing when everything is installed", () => {
    const lines: string[] = [];
    ensurePackages({ tls: false, xmppServer: "ejabberd" }, (l) => lines.push(l), {
      missing: () => [],
      isRoot: () => false,
    });
    assert.deepEqual(lines, []);
  });
});
