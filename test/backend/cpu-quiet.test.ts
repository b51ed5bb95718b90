/**
 * tfjs's cpu backend greets Node users with a banner telling them to install tfjs-node (whose
 * installer is broken); `useBackend("cpu")` turns it off, and polytask's own line stays. A fresh
 * process per case, since the banner shows once per process.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";

function run(code: string): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    env: { ...process.env, POLYTASK_BACKEND: undefined },
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return { stdout: r.stdout, stderr: r.stderr };
}

const BANNER = /looks like you are running TensorFlow\.js in Node/;

describe("cpu backend start-up output", () => {
  it("useBackend('cpu') prints polytask's line and not tfjs's tfjs-node banner", () => {
    const out = run(
      `import * as pt from "./src/index.ts"; import * as tf from "@tensorflow/tfjs";
       await pt.useBackend("cpu"); tf.add(tf.tensor([1, 2]), 1).dataSync(); console.log("done");`,
    );
    assert.match(out.stdout, /done/);
    assert.match(out.stdout + out.stderr, /polytask backend: cpu/);
    assert.doesNotMatch(out.stdout + out.stderr, BANNER);
  });

  it("plain tfjs on cpu without polytask still prints it (the test sees the banner it removes)", () => {
    const out = run(
      `import * as tf from "@tensorflow/tfjs"; await tf.setBackend("cpu");
       tf.add(tf.tensor([1, 2]), 1).dataSync(); console.log("done");`,
    );
    assert.match(out.stdout + out.stderr, BANNER);
  });
});
