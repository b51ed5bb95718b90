import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import type * as TS from "typescript";
import { errorContent, isTslabWatcherError } from "../../kernel/errors.js";
import { ListeningTarget } from "../../kernel/interrupt-target.js";
import {
  CHECK,
  KernelInterrupt,
  check,
  installCheck,
  instrumentAwaits,
  runCell,
} from "../../kernel/interrupt.js";
import { checkComplete } from "../../kernel/is-complete.js";
import { DISPLAY, MIME_BUNDLE, resultBundle } from "../../kernel/result.js";

const ts = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"))(
  "@tslab/typescript-for-tslab",
) as typeof TS;

describe("await instrumentation", () => {
  it("wraps every await and starts for-await bodies with a check", () => {
    const out = instrumentAwaits(
      ts,
      "const a = await f();\nasync function g() { for await (const x of y) h(x); }",
    );
    assert.equal(out.split(`${CHECK}(await`).length - 1, 1);
    assert.match(out, new RegExp(`for await \\(const x of y\\) \\{\\s*${CHECK}\\(\\);`));
    assert.equal(instrumentAwaits(ts, "const a = 1;"), "const a = 1;");
  });

  it("stops an async loop of an interrupted cell at its next await, and only that cell", async () => {
    installCheck();
    const run = { interrupted: false };
    let ticks = 0;
    const loop = runCell(run, async () => {
      for (;;) {
        check(await new Promise((r) => setTimeout(r, 1)));
        ticks += 1;
      }
    });
    const other = { interrupted: false };
    const unaffected = runCell(other, async () => check(await Promise.resolve(5)));
    await new Promise((r) => setTimeout(r, 20));
    run.interrupted = true;
    await assert.rejects(loop, KernelInterrupt);
    const after = ticks;
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(ticks, after);
    assert.equal(await unaffected, 5);
  });
});

describe("interrupt target", () => {
  it("reports a cooperative stop when a listener is registered or prevents default", () => {
    const t = new ListeningTarget();
    assert.equal(t.interrupt(), false);
    const h = () => {};
    t.addEventListener("interrupt", h);
    assert.equal(t.interrupt(), true);
    t.removeEventListener("interrupt", h);
    assert.equal(t.interrupt(), false);
  });
});

describe("is_complete", () => {
  const status = (code: string) => checkComplete(ts, code).status;
  it("tells complete, incomplete and invalid code apart", () => {
    assert.equal(status("const a = 1;"), "complete");
    assert.equal(status("const b = await fetchIt();"), "complete");
    assert.equal(status("function f() {"), "incomplete");
    assert.equal(status("let s = `open"), "incomplete");
    assert.equal(status("let a = ;"), "invalid");
    assert.equal(status("1 +* 2"), "invalid");
  });
});

describe("results and errors", () => {
  it("shows values as inspect text, or as the bundle a value provides", () => {
    assert.deepEqual(resultBundle("ab").data, { "text/plain": "'ab'" });
    const fig = {
      [MIME_BUNDLE]: () => ({
        data: { "text/html": "<div/>" },
        metadata: { "text/html": { isolated: true } },
      }),
    };
    const r = resultBundle(fig);
    assert.equal(r.data["text/html"], "<div/>");
    assert.equal(typeof r.data["text/plain"], "string");
    assert.deepEqual(r.metadata, { "text/html": { isolated: true } });
  });

  it("follows Symbol.for('polytask.display') to the value or bundle shown instead", () => {
    const inner = { [MIME_BUNDLE]: () => ({ "text/html": "<p>fig</p>" }) };
    assert.equal(resultBundle({ [DISPLAY]: () => inner }).data["text/html"], "<p>fig</p>");
    const direct = resultBundle({ [DISPLAY]: () => ({ "text/markdown": "**x**" }) });
    assert.equal(direct.data["text/markdown"], "**x**");
    assert.equal(typeof direct.data["text/plain"], "string");
  });

  it("turns thrown values into ename/evalue/traceback without kernel frames", () => {
    const e = new TypeError("nope");
    e.stack =
      "evalmachine.<anonymous>:2\nthrow x\n^\n\nTypeError: nope\n    at cell:1:1\n    at Script.runInThisContext (node:vm:1:1)";
    assert.deepEqual(errorContent(e), {
      ename: "TypeError",
      evalue: "nope",
      traceback: ["TypeError: nope", "    at cell:1:1"],
    });
    assert.deepEqual(errorContent("plain"), {
      ename: "Thrown",
      evalue: "'plain'",
      traceback: ["Uncaught 'plain'"],
    });
  });
});

describe("tslab watcher errors", () => {
  it("recognises the converter's pending-timer throw, and nothing else", () => {
    const fromTslab = new Error("Unexpected pending rebuildTimer");
    fromTslab.stack = [
      "Error: Unexpected pending rebuildTimer",
      "    at sys.setTimeout (/x/node_modules/tslab/dist/converter.js:111:19)",
      "    at Object.scheduleInvalidateResolutionsOfFailedLookupLocations (/x/typescript.js:1:1)",
    ].join("\n");
    assert.equal(isTslabWatcherError(fromTslab), true);
    // the same words thrown from a cell are the cell's error
    const fromCell = new Error("Unexpected pending rebuildTimer");
    fromCell.stack = "Error: Unexpected pending rebuildTimer\n    at <cell>:1:7";
    assert.equal(isTslabWatcherError(fromCell), false);
    assert.equal(isTslabWatcherError(new Error("boom")), false);
    assert.equal(isTslabWatcherError("Unexpected pending rebuildTimer"), false);
  });
});
