/**
 * The campaign's background scheduler: runs the plan's unfinished runs one job process at a
 * time (or `parallel` at once), skipping finished runs, resuming unfinished ones from their
 * checkpoints, restarting a job that died (kill -9, crash) up to MAX_TRIES times, and waiting
 * for a job left running by an earlier scheduler. SIGTERM / SIGINT stop it: the jobs are asked
 * to stop at a step boundary (they save a checkpoint) and the scheduler exits after them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunSpec, planRuns } from "./plan.js";
import {
  HERE,
  alive,
  finishedForPlan,
  finishedRuns,
  logEvent,
  openCampaign,
  readJson,
  readPid,
  runDir,
  writeJson,
} from "./store.js";

export const MAX_TRIES = 5;
const POLL_MS = 20_000;

function sameSpec(a: RunSpec | undefined, b: RunSpec): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

export async function runScheduler(root: string): Promise<void> {
  const pidFile = join(root, "scheduler.pid");
  const other = readPid(pidFile);
  if (other && other !== process.pid && alive(other)) {
    console.log(`a scheduler (pid ${other}) already runs this campaign`);
    return;
  }
  writeFileSync(pidFile, String(process.pid));
  const c = openCampaign(root);
  const say = (line: string) => console.log(`[${new Date().toISOString()}] ${line}`);
  const running = new Map<string, ChildProcess>();
  const tries = new Map<string, number>();
  let stopping = false;
  let wake: (() => void) | undefined;
  const nudge = () => {
    wake?.();
    wake = undefined;
  };
  const onStop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    say(`${sig}: stopping ${running.size} job(s) at their next step`);
    for (const child of running.values()) child.kill("SIGTERM");
    nudge();
  };
  process.on("SIGTERM", () => onStop("SIGTERM"));
  process.on("SIGINT", () => onStop("SIGINT"));
  logEvent(root, { kind: "scheduler-start", pid: process.pid, parallel: c.parallel });
  say(`scheduler ${process.pid} on ${root}: ${c.parallel} job(s) x ${c.threadsPerJob} thread(s)`);

  const start = (spec: RunSpec) => {
    const dir = runDir(root, spec.id);
    const specPath = join(dir, "spec.json");
    if (!sameSpec(readJson<RunSpec>(specPath), spec)) writeJson(specPath, spec);
    const out = openSync(join(dir, "job.log"), "a");
    const threads = String(c.threadsPerJob);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(HERE, "job.ts"), root, spec.id],
      {
        cwd: join(HERE, "../../.."),
        stdio: ["ignore", out, out],
        env: {
          ...process.env,
          TF_NUM_INTRAOP_THREADS: threads,
          TF_NUM_INTEROP_THREADS: "1",
          OMP_NUM_THREADS: threads,
          OMP_WAIT_POLICY: "PASSIVE",
          TF_CPP_MIN_LOG_LEVEL: "2",
          POLYTASK_QUIET: "1",
        },
      },
    );
    closeSync(out);
    running.set(spec.id, child);
    logEvent(root, { kind: "job-start", id: spec.id, pid: child.pid });
    say(`start ${spec.id} (pid ${child.pid}, lr ${spec.lr}, seed ${spec.seed})`);
    child.on("exit", (code, signal) => {
      running.delete(spec.id);
      logEvent(root, { kind: "job-exit", id: spec.id, code, signal });
      say(`exit ${spec.id}: ${signal ?? `code ${code}`}`);
      if (code !== 0 && !(stopping && code === 2))
        tries.set(spec.id, (tries.get(spec.id) ?? 0) + 1);
      nudge();
    });
  };

  for (;;) {
    const results = finishedRuns(root);
    const { runs } = planRuns(c, finishedForPlan(results));
    const todo = runs.filter((r) => !results.has(r.id));
    // a job an earlier scheduler started may still run (its scheduler was killed)
    const orphans = todo.filter(
      (r) => !running.has(r.id) && alive(readPid(join(runDir(root, r.id), "job.pid"))),
    );
    const ready = todo.filter(
      (r) =>
        !running.has(r.id) &&
        !orphans.includes(r) &&
        (tries.get(r.id) ?? 0) < MAX_TRIES &&
        (!r.continues || results.has(r.continues)),
    );
    while (!stopping && running.size + orphans.length < c.parallel && ready.length > 0)
      start(ready.shift() as RunSpec);
    if (running.size === 0 && (stopping || (orphans.length === 0 && ready.length === 0))) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, POLL_MS).unref();
    });
  }
  const results = finishedRuns(root);
  const { runs, complete } = planRuns(c, finishedForPlan(results));
  const left = runs.filter((r) => !results.has(r.id)).map((r) => r.id);
  const gaveUp = left.filter((id) => (tries.get(id) ?? 0) >= MAX_TRIES);
  logEvent(root, { kind: "scheduler-exit", stopping, left: left.length, gaveUp });
  say(
    stopping
      ? `stopped; ${left.length} run(s) left`
      : complete && left.length === 0
        ? "campaign finished"
        : `nothing more to run: ${left.length} run(s) left, gave up on ${gaveUp.join(", ") || "none"}`,
  );
  if (readPid(pidFile) === process.pid) writeFileSync(pidFile, "");
}
