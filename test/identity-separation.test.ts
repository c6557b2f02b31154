// Issue 8: nothing in src/ derives an address of one protocol from an address of the other.
// The seed assumes no algorithmic correlation between SIP and XMPP URIs, so the only way the
// code may learn a peer's other address is through the profile's mechanisms (tokens, Call-Info,
// presence, discovery). This scan catches the ways such a shortcut usually looks in source.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "./helpers/paths.js";

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

const src = join(repoRoot, "src");
// The sandbox is where the test identities are defined; everything else must not know them.
const files = sources(src).filter((f) => !relative(src, f).startsWith("sandbox/"));

/** Lines matching `pattern`, as "file:line: text", with comment lines left out. */
function findings(pattern: RegExp): string[] {
  const hits: string[] = [];
  for (const file of files) {
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        const code = line.trim();
        if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) return;
        if (pattern.test(line)) hits.push(`${relative(repoRoot, file)}:${i + 1}: ${code}`);
      });
  }
  return hits;
}

describe("no address of one protocol derived from the other (src/)", () => {
  it("the scan has code to read (it fails rather than passing on an empty tree)", () => {
    assert.ok(files.length > 0);
  });

  it("no source outside the sandbox names the sandbox's domains or people", () => {
    assert.deepEqual(findings(/example\.test|\brobert\b|15550100/), []);
  });

  it("no SIP URI is built from an XMPP address, and no XMPP address from a SIP URI", () => {
    // e.g. `sip:${jid.local}@…`, `sip:${bareJid}`, `xmpp:${aor.user}@…`, `${sipUser}@chat…`
    const sipFromJid = /sips?:\$\{[^}]*\b(jid|bareJid|fullJid|localpart|local|xmppUser)\b/i;
    const jidFromSip = /(xmpp:)?\$\{[^}]*\b(aor|sipUser|sipUri|uri\.user)\b[^}]*\}@/i;
    const domainSwap = /\.replace\([^)]*(xmpp|sip|chat|voip)[^)]*,[^)]*(xmpp|sip|chat|voip)/i;
    assert.deepEqual(findings(sipFromJid), [], "SIP URI built from a JID");
    assert.deepEqual(findings(jidFromSip), [], "JID built from a SIP URI");
    assert.deepEqual(findings(domainSwap), [], "a domain swapped for the other protocol's");
  });
});
