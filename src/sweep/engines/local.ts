/**
 * The `local` engine: a pool of `workers` child processes on this machine (default: one per
 * core, at most one per trial). Each attempt runs in its own process group, so a timeout or a
 * stop kills the trial with everything it started; a failed attempt is retried up to `retries`
 * times, resuming from the trial's last checkpoint (not when train exits 2: bad input).
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, writeFileSync } from "node:fs";
import { availableParallelism, hostname } from "node:os";
import type { PreparedTrial } from "../trial.js";
import { readResult, recordAttempt } from "../trial.js";
import type { EngineRun, SweepEngine, TrialOutcome } from "./types.js";

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: string;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Runs one attempt; resolves when its process exits. */
function attempt(
  t: PreparedTrial,
  timeoutS: number | undefined,
  signal?: AbortSignal,
): Promise<Exit> {
  return new Promise((resolve) => {
    const fd = openSync(t.files.log, "a");
    const child = spawn(t.argv[0], t.argv.slice(1), {
      detached: true, // its own process group
      stdio: ["ignore", fd, fd],
      env: { ...process.env, POLYTASK_TRIAL: t.id },
    });
    closeSync(fd);
    let timer: NodeJS.Timeout | undefined;
    let hard: NodeJS.Timeout | undefined;
    const stop = () => {
      if (!child.pid) return;
      killGroup(child.pid, "SIGTERM");
      hard = setTimeout(() => child.pid && killGroup(child.pid, "SIGKILL"), 5000);
    };
    if (child.pid) writeFileSync(t.files.pid, String(child.pid));
    if (timeoutS !== undefined) timer = setTimeout(stop, timeoutS * 1000);
    signal?.addEventListener("abort", stop, { once: true });
    child.on("error", (e) => resolve({ code: null, signal: null, error: e.message }));
    child.on("exit", (code, sig) => {
      clearTimeout(timer);
      clearTimeout(hard);
      signal?.removeEventListener("abort", stop);
      resolve({ code, signal: sig });
    });
  });
}

async function runTrial(r: EngineRun, t: PreparedTrial): Promise<TrialOutcome> {
  const tries = r.spec.retries + 1;
  let last = "";
  for (let a = 1; a <= tries; a++) {
    if (r.signal?.aborted)
      return { id: t.id, status: "failed", attempts: a - 1, error: "sweep stopped" };
    const start = new Date().toISOString();
    const exit = await attempt(t, r.spec.timeout, r.signal);
    await recordAttempt(t.files, {
      attempt: a,
      engine: "local",
      host: hostname(),
      start,
      end: new Date().toISOString(),
      exitCode: exit.code,
      signal: exit.signal,
      ...(exit.error ? { error: exit.error } : {}),
    });
    const result = exit.code === 0 ? await readResult(t.files) : undefined;
    if (result) {
      r.log(`${t.id} completed${a > 1 ? ` (attempt ${a})` : ""}`);
      return { id: t.id, status: "completed", attempts: a, result };
    }
    last = exit.error ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`);
    if (exit.code === 2) {
      r.log(`${t.id} failed: bad config or data (exit code 2), not retried; see ${t.files.log}`);
      return {
        id: t.id,
        status: "failed",
        attempts: a,
        error: `bad config or data (see ${t.files.log})`,
      };
    }
    r.log(
      `${t.id} attempt ${a} failed: ${last}${a < tries ? "; retrying from its checkpoint" : ""}`,
    );
  }
  return { id: t.id, status: "failed", attempts: tries, error: `${last} (see ${t.files.log})` };
}

export const localEngine: SweepEngine = {
  name: "local",
  async run(r: EngineRun): Promise<TrialOutcome[]> {
    const workers = Math.max(
      1,
      Math.min(r.spec.workers ?? availableParallelism(), r.trials.length),
    );
    const out: TrialOutcome[] = new Array(r.trials.length);
    let next = 0;
    const worker = async () => {
      while (next < r.trials.length) {
        const i = next++;
        out[i] = await runTrial(r, r.trials[i]);
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
    return out;
  },
};
