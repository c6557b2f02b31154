// `duet tui`'s options: attaching needs a URL and a token; --config runs a daemon of its own.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../../../src/cli/main.js";
import { parseTuiArgs } from "../../../src/cli/tui.js";

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) }).then((code) => ({
    code,
    out: out.join("\n"),
    err: err.join("\n"),
  }));
}

describe("duet tui options", () => {
  it("takes --api and --api-token, or the token from DUET_API_TOKEN", () => {
    assert.deepEqual(parseTuiArgs(["--api", "http://127.0.0.1:7070/", "--api-token", "t0k"], {}), {
      api: "http://127.0.0.1:7070",
      token: "t0k",
    });
    assert.deepEqual(parseTuiArgs(["--api=http://[::1]:9"], { DUET_API_TOKEN: "env" }), {
      api: "http://[::1]:9",
      token: "env",
    });
  });

  it("takes --config FILE (a daemon of its own) but not together with --api", async () => {
    assert.deepEqual(parseTuiArgs(["--config", "alice.json"], {}), { config: "alice.json" });
    assert.throws(
      () => parseTuiArgs(["--config", "alice.json", "--api", "http://127.0.0.1:1"], {}),
      /either --config FILE or --api URL/,
    );
  });

  it("explains a missing URL, a bad URL, a missing token and an unknown option", async () => {
    assert.match((await run(["tui"])).err, /tui needs --api URL/);
    assert.match(
      (await run(["tui", "--api", "127.0.0.1:7070", "--api-token", "x"])).err,
      /must be an http: or https: URL|is not a URL/,
    );
    assert.match(
      (await run(["tui", "--api", "http://127.0.0.1:1"])).err,
      /API token: --api-token TOKEN or DUET_API_TOKEN/,
    );
    assert.match((await run(["tui", "--api"])).err, /--api needs a value/);
    assert.match((await run(["tui", "--colour"])).err, /unknown option "--colour"/);
    const help = await run(["tui", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: duet tui --api URL/);
  });
});
