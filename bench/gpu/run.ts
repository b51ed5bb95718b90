/**
 * The GPU check (`polytask-gpu.mjs all`): the webgpu agreement tests, then rounds that
 * interleave polytask on webgpu with PyTorch on the same device (LeNet throughput at each
 * batch size, the shared-input K-scaling fit), a wasm reference on the host's CPU, and
 * bench/gpu/REPORT.md. Every measurement runs in a fresh process with a timeout, so one that
 * hangs or crashes is reported and the rest still run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import type { Measured, StepPlan } from "./measure.js";
import { type CheckPlan, checkPlan, planArg } from "./plan.js";
import { type AgreementResult, type ReportInput, renderReport } from "./report.js";

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
}

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
  const error =
    r.error?.message ??
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
  tasks?: number,
): Measured {
  const args = [
    kind,
    backend,
    dataDir,
    String(plan.batch),
    String(plan.warmup),
    String(plan.steps),
  ];
  const r = self([...args, String(plan.maxSeconds), String(tasks ?? 0)], timeoutS);
  const m = lastJson(r.stdout);
  if (m && !r.error) return m;
  return {
    kind,
    backend,
    summary: "",
    software: false,
    batch: plan.batch,
    tasks,
    times: [],
    losses: [],
    leaked: 0,
    error: m?.error ?? r.error ?? "no result",
  };
}

function torchAll(o: RunAllOptions, plan: CheckPlan): Measured[] | string {
  if (!existsSync(o.torchScript)) return `no ${o.torchScript}`;
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
    { encoding: "utf8", timeout: plan.processTimeout * 3000, maxBuffer: 64 * 1024 * 1024 },
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

function agreement(timeoutS: number): AgreementResult {
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
    const r = self(["test", name], timeoutS);
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
  log("agreement tests (webgpu vs cpu)");
  const agree = agreement(plan.processTimeout * 2);
  log(`agreement: ${agree.pass} pass, ${agree.fail} fail, ${agree.todo} todo`);
  const runs: Measured[] = [];
  const torchErrors: string[] = [];
  const note = (m: Measured) => {
    runs.push(m);
    const what = `${m.kind} ${m.backend} batch ${m.batch}${m.tasks ? ` K=${m.tasks}` : ""}`;
    log(`${what}: ${m.error ?? `${m.times.length} steps`}`);
  };
  for (let r = 0; r < plan.rounds; r++) {
    log(`round ${r + 1} of ${plan.rounds}`);
    for (const p of plan.lenet)
      note(measureIn("lenet", "webgpu", p, o.dataDir, plan.processTimeout));
    const torch = torchAll(o, plan);
    if (typeof torch === "string") torchErrors.push(torch);
    else for (const m of torch) note(m);
    for (const k of plan.tasks) {
      note(measureIn("kscale", "webgpu", plan.kscale, o.dataDir, plan.processTimeout, k));
    }
  }
  note(measureIn("lenet", "wasm", plan.wasm, o.dataDir, plan.processTimeout));
  const input: ReportInput = {
    plan,
    agree,
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
