/**
 * The ray engine against a real Ray: scripts/setup-ray.sh pip-installs Ray (PyPI) into the test
 * venv (.venv) once; the test starts a Ray head on 127.0.0.1 in its own process group (bounded
 * in time, always stopped by group id), runs a small sweep on it, kills one trial's process
 * group mid-trial, and checks that Ray's retry resumes it from its checkpoint and that the sweep
 * completes. Skipped, with the reason, when Ray cannot be installed here.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runSweep } from "../../src/sweep/run.js";
import { checkResumedSweep, killAfterCheckpoint, makeSweep } from "./harness.js";

const root = resolve(import.meta.dirname, "../..");
const venv = process.env.POLYTASK_VENV ? resolve(process.env.POLYTASK_VENV) : join(root, ".venv");

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** Ends the Ray head's process group (everything `ray start` started), by its id. */
async function stopGroup(head: ChildProcess): Promise<void> {
  const pid = head.pid;
  if (!pid) return;
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 60 && alive(); i++) await sleep(250);
  if (alive()) process.kill(-pid, "SIGKILL");
  for (let i = 0; i < 40 && alive(); i++) await sleep(250);
}

describe("polytask sweep, ray engine", () => {
  it(
    "runs trials as Ray tasks; a killed trial is retried from its checkpoint",
    { timeout: 600_000 },
    async (t) => {
      t.diagnostic("installing Ray into the test venv with pip (scripts/setup-ray.sh, once)");
      const setup = spawnSync("bash", [join(root, "scripts", "setup-ray.sh")], {
        cwd: root,
        encoding: "utf8",
        timeout: 420_000,
      });
      if (setup.status !== 0) {
        t.skip(
          `Ray could not be installed here: ${(setup.stderr || String(setup.error)).trim().split("\n").pop()}`,
        );
        return;
      }
      const python = join(venv, "bin", "python");
      const tmp = mkdtempSync("/tmp/prt-"); // short: Ray's unix socket paths have a length limit
      const port = await freePort();
      const logPath = join(tmp, "head.log");
      const fd = openSync(logPath, "a");
      const head = spawn(
        join(venv, "bin", "ray"),
        [
          "start",
          "--head",
          "--block",
          "--node-ip-address=127.0.0.1",
          `--port=${port}`,
          "--num-cpus=2",
          "--include-dashboard=false",
          "--disable-usage-stats",
          `--temp-dir=${tmp}`,
          "--object-store-memory=100000000",
        ],
        {
          detached: true, // its own process group, stopped by id below
          stdio: ["ignore", fd, fd],
          env: { ...process.env, RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER: "0" },
        },
      );
      closeSync(fd);
      try {
        const deadline = Date.now() + 120_000;
        while (
          !/Ray runtime started/.test(existsSync(logPath) ? readFileSync(logPath, "utf8") : "")
        ) {
          if (head.exitCode !== null || Date.now() > deadline)
            throw new Error(
              `the Ray head did not start:\n${readFileSync(logPath, "utf8").slice(-2000)}`,
            );
          await sleep(200);
        }
        t.diagnostic(`Ray head on 127.0.0.1:${port}`);
        const { dir, file } = makeSweep({ engine: "ray", resources: { cpus: 1, gpus: 0 } });
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        const ac = new AbortController();
        const guard = setTimeout(() => ac.abort(), 300_000);
        try {
          const running = runSweep(file, {
            rayAddress: `127.0.0.1:${port}`,
            python,
            log: (l) => t.diagnostic(l),
            signal: ac.signal,
          });
          const killedAt = await killAfterCheckpoint(file, "t0001", 240);
          const report = await running;
          assert.equal(report.engine, "ray");
          await checkResumedSweep(report, killedAt);
        } finally {
          clearTimeout(guard);
        }
      } finally {
        await stopGroup(head);
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});
