/**
 * The `ray` engine: trials as Ray tasks (Ray from PyPI), with per-trial resources
 * (`resources.cpus`, `resources.gpus`) and retries (`retries`: Ray's `max_retries` with
 * `retry_exceptions`), run by a small Python driver (ray_driver.py). Each attempt runs the
 * trial's `polytask train --resume` in its own session, so a retry resumes from the trial's last
 * checkpoint; results come back through Ray. `ray.address` (or `--ray-address`) joins a running
 * cluster (`ray start --head`); without it the driver starts a local Ray on 127.0.0.1. Trials
 * write into the sweep directory, so on a multi-node cluster it must be on a shared filesystem
 * and polytask installed at the same path on every node.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { packageRoot } from "../../data/sources/files.js";
import { ConfigError } from "../../errors.js";
import type { TrialResult } from "../trial.js";
import { readAttempts } from "../trial.js";
import type { EngineRun, SweepEngine, TrialOutcome } from "./types.js";

/** The Python with Ray: `ray.python`, $POLYTASK_PYTHON, the project's .venv, else python3. */
export function rayPython(configured?: string): string {
  if (configured) return configured;
  if (process.env.POLYTASK_PYTHON) return process.env.POLYTASK_PYTHON;
  const venv = join(packageRoot(), ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

/** Ray's version in `python`, or a ConfigError saying how to install it. */
export function checkRay(python: string): string {
  const r = spawnSync(python, ["-c", "import ray; print(ray.__version__)"], {
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.status !== 0)
    throw new ConfigError(
      `The ray engine needs Ray in ${python}: ${python} -m pip install ray (scripts/setup-ray.sh installs it into .venv), or set ray.python / POLYTASK_PYTHON.`,
      {
        field: "ray.python",
        value: python,
        expected: "a Python where `import ray` works",
        cause: r.error ?? r.stderr,
      },
    );
  return r.stdout.trim();
}

interface DriverResult {
  status: "completed" | "failed";
  result?: TrialResult;
  error?: string;
}

export const rayEngine: SweepEngine = {
  name: "ray",
  async run(r: EngineRun): Promise<TrialOutcome[]> {
    const python = rayPython(r.spec.ray.python);
    const version = checkRay(python);
    const address = r.spec.ray.address ?? process.env.RAY_ADDRESS;
    r.log(`ray ${version} (${python})${address ? ` at ${address}` : ", local"}`);
    const planPath = join(r.spec.out, "ray-plan.json");
    const resultsPath = join(r.spec.out, "ray-results.json");
    const before = new Map<string, number>();
    for (const t of r.trials) before.set(t.id, (await readAttempts(t.files)).length);
    await writeFile(
      planPath,
      JSON.stringify(
        {
          ...(address ? { address } : {}),
          retries: r.spec.retries,
          ...(r.spec.timeout !== undefined ? { timeout: r.spec.timeout } : {}),
          trials: r.trials.map((t) => ({
            id: t.id,
            argv: t.argv,
            log: t.files.log,
            pid: t.files.pid,
            attempts: t.files.attempts,
            result: t.files.result,
            cpus: r.spec.resources.cpus,
            gpus: r.spec.resources.gpus,
          })),
        },
        null,
        1,
      ),
    );
    const driver = join(packageRoot(), "src", "sweep", "engines", "ray_driver.py");
    const errFd = openSync(join(r.spec.out, "ray-driver.log"), "a");
    // on one machine (a loopback address, or a Ray started by the driver) Ray's single-machine
    // mode keeps every Ray endpoint on 127.0.0.1 instead of the host's network address
    const loopback = !address || /^(127\.|localhost:|\[::1\]:)/.test(address);
    const child = spawn(python, [driver, planPath, resultsPath], {
      stdio: ["ignore", "pipe", errFd],
      env: { ...process.env, ...(loopback ? { RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER: "0" } : {}) },
    });
    closeSync(errFd);
    const stop = () => child.kill("SIGTERM");
    r.signal?.addEventListener("abort", stop, { once: true });
    createInterface({ input: child.stdout! }).on("line", (l) => r.log(l));
    const code = await new Promise<number | null>((res) => {
      child.on("error", () => res(null));
      child.on("exit", (c) => res(c));
    });
    r.signal?.removeEventListener("abort", stop);
    let results: Record<string, DriverResult> = {};
    try {
      results = JSON.parse(await readFile(resultsPath, "utf8"));
    } catch {
      // the driver died before writing: every trial below is reported failed
    }
    const out: TrialOutcome[] = [];
    for (const t of r.trials) {
      const res = results[t.id];
      const attempts = (await readAttempts(t.files)).length - (before.get(t.id) ?? 0);
      if (res?.status === "completed" && res.result)
        out.push({ id: t.id, status: "completed", attempts, result: res.result });
      else
        out.push({
          id: t.id,
          status: "failed",
          attempts,
          error:
            res?.error ??
            `the Ray driver exited with ${code} (see ${join(r.spec.out, "ray-driver.log")})`,
        });
    }
    return out;
  },
};
