/**
 * TensorFlow's load-time lines (absl's "before absl::InitializeLog()" warning and "oneDNN custom
 * operations are on") are not printed while TF_CPP_MIN_LOG_LEVEL >= 1 (polytask's default), and
 * are with TF_CPP_MIN_LOG_LEVEL=0. Needs the native backend and its quiet loader
 * (`npx polytask native setup`); skipped with the reason otherwise.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { QUIET_LOADER, nativeDir } from "../../src/backend/native.js";
import { tensorflowSkipReason } from "./native-harness.js";

const loader = join(nativeDir(), QUIET_LOADER);
const LOAD = `import { loadNative } from "./src/backend/native.ts"; await loadNative({}); console.log("loaded");`;

function stderrOf(env: Record<string, string | undefined>): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", LOAD], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /loaded/);
  return r.stderr;
}

describe("native backend start-up output", async () => {
  const reason =
    (await tensorflowSkipReason()) ??
    (existsSync(loader)
      ? undefined
      : `no quiet loader at ${loader} (rerun npx polytask native setup)`);
  it(
    "prints no TensorFlow start-up lines by default, and prints them at TF_CPP_MIN_LOG_LEVEL=0",
    { skip: reason },
    () => {
      const quiet = stderrOf({ TF_CPP_MIN_LOG_LEVEL: undefined, TF_ENABLE_ONEDNN_OPTS: undefined });
      assert.doesNotMatch(quiet, /oneDNN|absl::InitializeLog/);
      const loud = stderrOf({ TF_CPP_MIN_LOG_LEVEL: "0", TF_ENABLE_ONEDNN_OPTS: "1" });
      assert.match(loud, /oneDNN custom operations are on/);
    },
  );
});
