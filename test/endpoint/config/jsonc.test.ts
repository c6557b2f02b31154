// JSON with comments: comments go, strings stay intact, positions in errors stay right.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseJsonWithComments, stripJsonComments } from "../../../src/endpoint/config/index.js";

function parse(text: string): unknown {
  const r = parseJsonWithComments(text);
  if (!r.ok) throw new Error(r.issue.message);
  return r.value;
}

describe("JSON with comments", () => {
  it("drops line and block comments, including ones spanning lines", () => {
    const text = `// heading
{
  /* a block
     over lines */ "a": 1, // after a value
  "b": /* inline */ [2, 3]
}
// trailing`;
    assert.deepEqual(parse(text), { a: 1, b: [2, 3] });
  });

  it("leaves comment markers inside strings alone", () => {
    const text = `{"url": "wss://host/path//x", "glob": "/* not a comment */", "end": "a//"}`;
    assert.deepEqual(parse(text), {
      url: "wss://host/path//x",
      glob: "/* not a comment */",
      end: "a//",
    });
  });

  it("does not end a string at an escaped quote or an escaped backslash", () => {
    const text = String.raw`{"q": "say \"//hi\" now", "bs": "C:\\", "after": 1 // gone
}`;
    assert.deepEqual(parse(text), { q: 'say "//hi" now', bs: "C:\\", after: 1 });
  });

  it("keeps line breaks so that error positions point at the user's line", () => {
    const stripped = stripJsonComments("/* a\nb */ 1");
    assert.deepEqual(stripped, { text: "    \n     1" });
    const r = parseJsonWithComments('{\n  // note\n  "a": 1,\n  "b" 2\n}');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.issue.path, "(file)");
      assert.match(r.issue.message, /^not valid JSON at line 4, column 7 /);
      assert.match(r.issue.message, /check for a missing comma or quote, or a trailing comma$/);
    }
  });

  it("reports an unterminated block comment with its start", () => {
    const r = parseJsonWithComments('{"a": 1}\n  /* never closed');
    assert.deepEqual(r, {
      ok: false,
      issue: {
        path: "(file)",
        message: "a /* comment starting at line 2, column 3 is never closed — end it with */",
      },
    });
  });

  it("does not let a block comment's own opening star close it, and ends a line comment at EOF", () => {
    assert.deepEqual(parse('{"a": /*/ still a comment */ 1} // last line, no newline'), { a: 1 });
    assert.deepEqual(parse('{"a": 1 /* ** stars ** */}'), { a: 1 });
  });

  it("leaves a lone slash outside strings for JSON.parse to refuse", () => {
    const r = parseJsonWithComments('{"a": 1 / 2}');
    assert.equal(r.ok, false);
  });

  it("accepts a byte order mark and a lone slash in a string", () => {
    assert.deepEqual(parse('\uFEFF{"a": "/"}'), { a: "/" });
  });

  it("does not treat a comment-like sequence after a string's end as part of it", () => {
    assert.deepEqual(parse('{"a": "x"/*c*/, "b": "y"//c\n}'), { a: "x", b: "y" });
  });
});
