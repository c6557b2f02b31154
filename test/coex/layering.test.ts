// src/coex must build for a browser and stay protocol-independent (docs/development.md):
// no node:* imports, nothing from src/sip, src/xmpp or src/media, only src/common/clock from
// outside; and the profile namespace is written down in exactly one place.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../helpers/paths.js";

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

const coex = join(repoRoot, "src", "coex");
const files = sources(coex);

describe("src/coex layering", () => {
  it("has sources to check", () => assert.ok(files.length >= 15));

  it("imports nothing from Node, the protocol layers or npm; only its own files and common/clock", () => {
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        const spec = m[1]!;
        const rel = relative(coex, f);
        assert.ok(spec.startsWith("."), `${rel} imports package ${spec}`);
        const target = relative(coex, join(f, "..", spec));
        assert.ok(
          !target.startsWith("..") || target === join("..", "common", "clock.js"),
          `${rel} imports ${spec}`,
        );
      }
      assert.doesNotMatch(text, /\brequire\(|process\.|Buffer\b/, relative(coex, f));
    }
  });

  it("writes the namespace string only in namespace.ts", () => {
    const holders = files.filter((f) => readFileSync(f, "utf8").includes("urn:x-duet:coex"));
    assert.deepEqual(
      holders.map((f) => relative(coex, f)),
      ["namespace.ts"],
    );
  });
});
