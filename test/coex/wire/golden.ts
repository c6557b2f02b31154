// Reads the golden pairs under test/golden/coex/<dir>: NAME.<ext> input, NAME.json expected.
import { readdirSync, readFileSync } from "node:fs";
import { testData } from "../../helpers/paths.js";

export function goldenPairs(
  dir: string,
  ext: string,
): { name: string; input: string; expected: unknown }[] {
  const base = testData("golden", "coex", dir);
  return readdirSync(base)
    .filter((f) => f.endsWith(`.${ext}`))
    .sort()
    .map((f) => {
      const name = f.slice(0, -(ext.length + 1));
      return {
        name,
        input: readFileSync(`${base}/${f}`, "utf8"),
        expected: JSON.parse(readFileSync(`${base}/${name}.json`, "utf8")),
      };
    });
}
