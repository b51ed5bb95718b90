import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

describe("threaded wasm in Node (enableWasmThreadsInNode)", () => {
  it("starts 2 XNNPACK threads, computes correctly and lets the process exit", () => {
    const fixture = fileURLToPath(new URL("./wasm-threads.fixture.ts", import.meta.url));
    const r = spawnSync(process.execPath, ["--import", "tsx", fixture], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.error, undefined, "the process did not exit on its own within 60 s");
    assert.equal(r.status, 0, r.stderr);
    const m = /THREADS (\d+) ERR (\S+)/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.equal(Number(m[1]), 2);
    assert.ok(Number(m[2]) <= 1e-5, `relative error ${m[2]}`);
  });
});
