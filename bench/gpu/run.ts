/**
 * The GPU check (`polytask-gpu.mjs all`): the webgpu agreement tests, then rounds that
 * interleave polytask's `fit` on webgpu with PyTorch on the same device (the LeNet at each
 * batch size, the shared-input K-scaling), a wasm reference on the host's CPU where
 * bench/shared-input/results.json has none, and bench/gpu/REPORT.md. Every measurement runs in
 * a fresh process with a timeout, so one that hangs or crashes is reported and the rest still
 * run; the whole check plans within `budgetS` and always writes its report.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import type { Measured, StepPlan } from "./measure.js";
import { type CheckPlan, checkPlan, planArg } from "./plan.js";
import { type AgreementResult, type ReportInput, renderReport, sharedInputWasm } from "./report.js";

export interface RunAllOptions {
  /** Folder with the data files (bench/gpu/data.ts). */
  dataDir: string;
  /** Where REPORT.md goes. */
  out: string;
  quick: boolean;
  /** How to run PyTorch: a python with torch, and "cuda" | "cpu" | "auto". */
  python: string;
  torchDevice: string;
  /** bench/gpu/torch_bench.py. */
  torchScript: string;
  /**
   * Seconds the whole check may take: a measurement that would run past it is skipped (and
   * reported so), and every process's timeout is cut to what is left, so the report is always
   * written. run.sh gives its own hard limit less a margin.
   */
  budgetS: number;
}

/** Time left for a process that wants `want` seconds, or 0 when under `least` are left. */
type Clock = (want: number, least?: number) => number;

/** Runs this program again with a subcommand (the bundle, or the tsx entry in a checkout). */
function self(
  args: string[],
  timeoutS: number,
): { stdout: string; stderr: string; error?: string } {
  const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1] as string, ...args], {
    encoding: "utf8",
    timeout: timeoutS * 1000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, POLYTASK_QUIET: "1" },
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
  const error =
    (timedOut ? `stopped after its ${timeoutS} s timeout` : r.error?.message) ??
    (r.status === 0 ? undefined : `exit ${r.status ?? r.signal}: ${tail(r.stderr || r.stdout)}`);
  return { stdout: r.stdout ?? "", stderr: r.stderr ?? "", error };
}

const tail = (s: string) => s.trim().split("\n").slice(-4).join(" | ").slice(0, 600);

function lastJson(stdout: string): Measured | undefined {
  const line = stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  return line ? (JSON.parse(line) as Measured) : undefined;
}

function measureIn(
  kind: "lenet" | "kscale",
  backend: string,
  plan: StepPlan,
  dataDir: string,
  timeoutS: number,
  tasks: number,
): Measured {
  const failed = (error: string): Measured => ({
    kind,
    backend,
    summary: "",
    software: false,
    batch: plan.batch,
    tasks,
    times: [],
    losses: [],
    leaked: 0,
    error,
  });
  if (timeoutS <= 0) return failed("skipped: the check's time limit was near");
  const args = [
    kind,
    backend,
    dataDir,
    String(plan.batch),
    String(plan.warmup),
    String(plan.steps),
  ];
  const r = self([...args, String(plan.maxSeconds), String(tasks)], timeoutS);
  const m = lastJson(r.stdout);
  if (m && !r.error) return m;
  return failed(m?.error ?? r.error ?? "no result");
}

function torchAll(o: RunAllOptions, plan: CheckPlan, timeoutS: number): Measured[] | string {
  if (!existsSync(o.torchScript)) return `no ${o.torchScript}`;
  if (timeoutS <= 0) return "skipped: the check's time limit was near";
  const k = plan.kscale;
  const r = spawnSync(
    o.python,
    [
      o.torchScript,
      o.dataDir,
      o.torchDevice,
      planArg(plan.lenet),
      plan.tasks.join(","),
      `${k.batch}:${k.warmup}:${k.steps}`,
      String(Math.max(...plan.lenet.map((p) => p.maxSeconds))),
    ],
    { encoding: "utf8", timeout: timeoutS * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.error || r.status !== 0) {
    return `PyTorch did not run (${o.python}): ${r.error?.message ?? tail(r.stderr || r.stdout)}`;
  }
  return r.stdout
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Measured);
}

/** The agreement test files, each run in its own process (they switch tfjs's backend). */
export const AGREEMENT_TESTS = ["kernels", "training", "fit"] as const;

function agreement(clock: Clock, timeoutS: number): AgreementResult {
  const total: AgreementResult = {
    pass: 0,
    fail: 0,
    todo: 0,
    skipped: 0,
    failed: [],
    todoNotes: [],
    skipNotes: [],
  };
  for (const name of AGREEMENT_TESTS) {
    const t = clock(timeoutS, 30);
    if (t <= 0) {
      total.error = `${total.error ? `${total.error}; ` : ""}${name}: skipped (time limit)`;
      continue;
    }
    const r = self(["test", name], t);
    const count = (k: string) => Number(new RegExp(`^# ${k} (\\d+)`, "m").exec(r.stdout)?.[1] ?? 0);
    total.pass += count("pass");
    total.fail += count("fail");
    total.todo += count("todo");
    total.skipped += count("skipped");
    for (const m of r.stdout.matchAll(/^\s*not ok \d+ - (.+)$/gm))
      total.failed.push(`${name}: ${m[1]}`);
    for (const m of r.stdout.matchAll(/^\s*ok \d+ - (.+) # TODO (.*)$/gm)) {
      total.todoNotes.push(`${m[1]}: ${(m[2] as string).slice(0, 120)}`);
    }
    for (const m of r.stdout.matchAll(/# SKIP (.*)$/gm)) total.skipNotes.push(`${name}: ${m[1]}`);
    if (r.error && count("fail") === 0) {
      total.error = `${total.error ? `${total.error}; ` : ""}${name}: ${r.error}`;
    }
  }
  return total;
}

function gpuName(): string {
  try {
    return execFileSync(
      "nvidia-smi",
      ["--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
      { encoding: "utf8", timeout: 20000 },
    ).trim();
  } catch {
    return "no nvidia-smi";
  }
}

export async function runAll(o: RunAllOptions): Promise<string> {
  const plan = checkPlan(o.quick);
  const t0 = Date.now();
  const load0 = loadavg()[0] as number;
  const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}`);
  // Without bench/shared-input's wasm figure, the wasm run at the end is a goal's reference.
  const wasmRef = sharedInputWasm();
  let reserve = wasmRef ? 0 : 40;
  // 15 s stay for the report (and `reserve` for the wasm run); a process gets what it wants or
  // what is left.
  const clock: Clock = (want, least = 10) => {
    const left = o.budgetS - (Date.now() - t0) / 1000 - 15 - reserve;
    return left < least ? 0 : Math.floor(Math.min(want, left));
  };
  const measure = (kind: "lenet" | "kscale", backend: string, p: StepPlan, k: number) =>
    measureIn(kind, backend, p, o.dataDir, clock(plan.processTimeout), k);
  log(`agreement tests (webgpu vs cpu); budget ${o.budgetS} s`);
  const agree = agreement(clock, plan.processTimeout * 2);
  log(`agreement: ${agree.pass} pass, ${agree.fail} fail, ${agree.todo} todo`);
  const runs: Measured[] = [];
  const torchErrors: string[] = [];
  const note = (m: Measured) => {
    runs.push(m);
    const what = `${m.kind} ${m.backend} batch ${m.batch} K=${m.tasks}`;
    log(`${what}: ${m.error ?? `${m.times.length} steps`}`);
  };
  for (let r = 0; r < plan.rounds; r++) {
    log(`round ${r + 1} of ${plan.rounds}`);
    for (const p of plan.lenet) note(measure("lenet", "webgpu", p, 2));
    const torch = torchAll(o, plan, clock(plan.processTimeout * 3, 30));
    if (typeof torch === "string") torchErrors.push(torch);
    else for (const m of torch) note(m);
    for (const k of plan.tasks) note(measure("kscale", "webgpu", plan.kscale, k));
  }
  reserve = 0;
  if (wasmRef) log(`wasm reference: ${wasmRef.source}`);
  else note(measure("lenet", "wasm", plan.wasm, 2));
  const input: ReportInput = {
    plan,
    agree,
    wasmRef,
    runs,
    torchErrors: [...new Set(torchErrors)],
    machine: `${gpuName()}; host ${cpus()[0]?.model ?? "cpu"}, ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    load: `${load0.toFixed(1)} at start, ${(loadavg()[0] as number).toFixed(1)} at end`,
    minutes: (Date.now() - t0) / 60000,
  };
  const report = renderReport(input);
  writeFileSync(o.out, report);
  writeFileSync(join(dirname(o.out), "results.json"), JSON.stringify(input, null, 1));
  log(`wrote ${o.out}`);
  return report;
}
