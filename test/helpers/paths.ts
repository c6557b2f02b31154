// Paths tests use: the repository root (tests run compiled from dist/test) and shared fixtures.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above the test files");
    dir = up;
  }
  return dir;
}

/** The repository root (the folder holding package.json). */
export const repoRoot = findRoot();

/** ../shared/fixtures beside the repository: read-only test material from outside. */
export const sharedFixtures = resolve(repoRoot, "..", "shared", "fixtures");

/** Golden files and other test data kept in the repository (test/golden, test/data). */
export const testData = (...parts: string[]) => join(repoRoot, "test", ...parts);
