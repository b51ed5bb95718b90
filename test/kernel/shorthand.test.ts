import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import type * as TS from "typescript";
import { expandShorthand } from "../../kernel/shorthand.js";

const require = createRequire(import.meta.url);
const ts = createRequire(require.resolve("tslab/package.json"))(
  "@tslab/typescript-for-tslab",
) as typeof TS;

describe("expandShorthand", () => {
  it("expands shorthand properties so earlier cells' variables resolve", () => {
    assert.equal(
      expandShorthand(ts, "fit({ digits, fashion })"),
      "fit({ digits: digits, fashion: fashion })",
    );
    assert.equal(expandShorthand(ts, "({ a, b: { c } })"), "({ a: a, b: { c: c } })");
  });

  it("keeps destructuring declarations and plain code as they are", () => {
    assert.equal(expandShorthand(ts, "const { a, b } = obj;"), "const { a, b } = obj;");
    assert.equal(expandShorthand(ts, "1 + 1"), "1 + 1");
  });

  it("keeps assignment destructuring valid, defaults included", () => {
    const out = expandShorthand(ts, "({ d, e = 2 } = src);");
    assert.equal(out, "({ d: d, e: e = 2 } = src);");
    const sf = ts.createSourceFile("x.ts", out, ts.ScriptTarget.ES2022, true);
    assert.equal((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length, 0);
  });

  it("keeps every line where it was", () => {
    const src = "const x = 1;\nconst o = {\n  x,\n};\no";
    assert.equal(expandShorthand(ts, src).split("\n").length, src.split("\n").length);
  });
});
