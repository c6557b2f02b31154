// Golden files for the wire-format readers: each test/xmpp/golden/KIND-NAME.xml is read by the
// reader for KIND and must give exactly the structure in NAME.json beside it (dates as ISO
// strings, extension elements as their XML text). Run with DUET_UPDATE_GOLDEN=1 to write the
// .json files anew, then review the diff.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseDiscoInfo } from "../../../src/xmpp/protocol/disco.js";
import { parseMessage } from "../../../src/xmpp/protocol/message.js";
import { parsePresence } from "../../../src/xmpp/protocol/presence.js";
import { parseRosterQuery } from "../../../src/xmpp/protocol/roster.js";
import { parseXml, type XmlElement } from "../../../src/xmpp/xml.js";
import { testData } from "../../helpers/paths.js";

const dir = testData("xmpp", "golden");

const readers: Record<string, (el: XmlElement) => unknown> = {
  message: (el) => parseMessage(el, "chat.example.test", "alice@chat.example.test/a1"),
  presence: (el) => {
    const warnings: string[] = [];
    return { presence: parsePresence(el, "chat.example.test", warnings), warnings };
  },
  roster: (el) => {
    const warnings: string[] = [];
    return { query: parseRosterQuery(el, warnings), warnings };
  },
  disco: (el) => parseDiscoInfo(el),
};

/** A JSON-comparable form: elements become their XML text, dates ISO strings. */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, function (key, v) {
      const raw = (this as Record<string, unknown>)[key];
      if (raw && typeof raw === "object" && "getChildElements" in raw) return String(raw);
      return v;
    }),
  );
}

describe("wire-format readers against golden files", () => {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".xml"))
    .sort()) {
    const kind = file.split("-")[0]!;
    it(file, () => {
      const read = readers[kind];
      assert.ok(read, `no reader for golden kind "${kind}"`);
      const actual = plain(read(parseXml(readFileSync(`${dir}/${file}`, "utf8"))));
      const jsonFile = `${dir}/${file.replace(/\.xml$/, ".json")}`;
      if (process.env.DUET_UPDATE_GOLDEN === "1") {
        writeFileSync(jsonFile, `${JSON.stringify(actual, null, 2)}\n`);
      }
      assert.deepEqual(actual, JSON.parse(readFileSync(jsonFile, "utf8")));
    });
  }
});
