// The daemon's override flags taken out of an argument list.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  extractDaemonOverrides,
  parseDaemonOverrides,
} from "../../../src/endpoint/config/index.js";

describe("daemon override flags", () => {
  it("takes --flag value and --flag=value forms and leaves other arguments", () => {
    const r = extractDaemonOverrides([
      "--config",
      "alice.json",
      "--api",
      "127.0.0.1:0",
      "--api-token=s3cret",
      "--auto-answer",
      "--audio",
      "tone:440",
      "--video=file:clip.ivf",
      "--record",
      "rec",
      "--store",
      "a.sqlite",
      "--verbose",
    ]);
    assert.deepEqual(r.overrides, {
      api: "127.0.0.1:0",
      apiToken: "s3cret",
      autoAnswer: true,
      audio: "tone:440",
      video: "file:clip.ivf",
      record: "rec",
      store: "a.sqlite",
    });
    assert.deepEqual(r.rest, ["--config", "alice.json", "--verbose"]);
    assert.deepEqual(r.issues, []);
  });

  it("names a flag that lacks its value, and a value given to --auto-answer", () => {
    const r = extractDaemonOverrides(["--audio", "--auto-answer=yes", "--store"]);
    assert.deepEqual(r.issues, [
      { path: "--audio", message: "needs a value — see `duet daemon --help`" },
      { path: "--auto-answer", message: "takes no value — write just --auto-answer" },
      { path: "--store", message: "needs a value — see `duet daemon --help`" },
    ]);
    assert.deepEqual(r.overrides, { autoAnswer: true });
  });

  it("validates values with the config's own parsers", () => {
    const r = parseDaemonOverrides(
      { api: "localhost:8080", audio: "file:in.wav", video: "none", apiToken: "a b" },
      "/home/u",
    );
    assert.deepEqual(r.overrides, {
      api: { host: "localhost", port: 8080 },
      audio: { kind: "file", path: "/home/u/in.wav" },
      video: { kind: "none" },
    });
    assert.deepEqual(r.issues, [
      {
        path: "--api-token",
        message:
          "the token must be non-empty printable ASCII without spaces — e.g. generate one with `openssl rand -hex 16`",
      },
    ]);
  });
});
