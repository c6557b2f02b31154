#!/usr/bin/env node
// The `duet` command: runs the compiled CLI from dist/ (built by `npm install` / `npm run build`).
import { existsSync } from "node:fs";

const main = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(main)) {
  console.error(
    "duet: the TypeScript sources are not built yet. Run `npm run build` in the package folder.",
  );
  process.exit(2);
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));
