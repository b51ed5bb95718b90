/**
 * Loading the tensorflow backend prints none of tfjs's duplicate-registration warnings (one per
 * kernel when tfjs-node's CommonJS tfjs registers what polytask's ES module tfjs already did),
 * while any other warning still reaches the console.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { withoutDuplicateWarnings } from "../../src/backend/duplicate-warnings.js";
import { tensorflowSkipReason } from "./native-harness.js";

describe("tfjs duplicate-registration warnings", () => {
  it("mutes exactly the duplicate-registration warnings", () => {
    const seen: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void seen.push(args);
    try {
      const v = withoutDuplicateWarnings(() => {
        console.warn("The kernel 'Abs' for backend 'cpu' is already registered");
        console.warn("cpu backend was already registered. Reusing existing backend factory.");
        console.warn("Platform node has already been set. Overwriting the platform with node.");
        console.warn("something else went wrong");
        console.warn("The kernel 'Abs' is already registered", 2);
        return 7;
      });
      assert.equal(v, 7);
      console.warn("after");
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(seen, [
      ["something else went wrong"],
      ["The kernel 'Abs' is already registered", 2],
      ["after"],
    ]);
  });

  it("useBackend('tensorflow') in a fresh process prints no duplicate warnings", async (t) => {
    const skip = await tensorflowSkipReason();
    if (skip) {
      t.skip(skip);
      return;
    }
    const script = `
      const { useBackend } = await import("./src/backend/select.ts");
      const info = await useBackend("tensorflow", { quiet: true });
      console.log("backend", info.name);
    `;
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      {
        encoding: "utf8",
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
        timeout: 120_000,
      },
    );
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    assert.match(r.stdout, /backend tensorflow/);
    const out = r.stdout + r.stderr;
    assert.doesNotMatch(out, /already registered|already been set/);
  });
});
