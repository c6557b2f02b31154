// A fresh temporary folder per test file, removed at the end even when a test fails.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

export function useTempDir(name: string): () => string {
  const dir = mkdtempSync(join(tmpdir(), `duet-${name}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}
