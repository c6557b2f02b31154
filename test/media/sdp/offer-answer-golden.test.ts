// Golden offer/answer cases (RFC 3264 §6): test/golden/media/NAME.json names an offer (.sdp,
// several of them captured from baresip 1.0.0, others written after linphone and Chrome) and
// holds the exact answer we must produce, or the typed error that rejects the offer.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { testData } from "../../helpers/paths.js";
import { type GoldenCase, runGoldenCase } from "./golden-answer.js";

const dir = testData("golden", "media");
const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("offer/answer golden cases", () => {
  it("has the cases the issue asks for", () => {
    for (const name of ["baresip-g711", "linphone-audio-video", "webrtc-browser"]) {
      assert.ok(cases.includes(`${name}.json`), `missing golden case ${name}`);
    }
  });

  for (const file of cases) {
    it(file.replace(/\.json$/, ""), () => {
      const c = JSON.parse(readFileSync(`${dir}/${file}`, "utf8")) as GoldenCase;
      const offer = readFileSync(`${dir}/${c.offer}`, "utf8");
      const got = runGoldenCase(offer, c);
      if (c.error) assert.deepEqual(got, { error: c.error });
      else assert.deepEqual(got, { answer: c.answer });
    });
  }
});
