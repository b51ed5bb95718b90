/** Renders bench/gpu/REPORT.md from the GPU check's measurements (bench/gpu/run.ts). */
import { existsSync, readFileSync } from "node:fs";
import type { Measured } from "./measure.js";
import type { CheckPlan } from "./plan.js";

export interface AgreementResult {
  pass: number;
  fail: number;
  todo: number;
  skipped: number;
  failed: string[];
  todoNotes: string[];
  skipNotes: string[];
  error?: string;
}

export interface ReportInput {
  plan: CheckPlan;
  agree: AgreementResult;
  /** bench/shared-input/results.json's wasm figure; without it, a wasm run is in `runs`. */
  wasmRef?: WasmReference;
  runs: Measured[];
  torchErrors: string[];
  machine: string;
  node: string;
  load: string;
  minutes: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const f0 = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : "-");
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "-");
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "-");

interface Pooled {
  times: number[];
  losses: number[];
  initialLoss: number;
  summary: string;
  errors: string[];
  software: boolean;
}

/** All rounds of one (kind, backend, batch, tasks) pooled. */
function pool(runs: Measured[], kind: string, backend: string, batch: number, tasks: number) {
  const mine = runs.filter(
    (m) => m.kind === kind && m.backend === backend && m.batch === batch && m.tasks === tasks,
  );
  const ok = mine.filter((m) => !m.error);
  return {
    times: ok.flatMap((m) => m.times),
    losses: ok[0]?.losses ?? [],
    initialLoss: ok[0]?.initialLoss ?? ok[0]?.losses[0] ?? Number.NaN,
    summary: ok[0]?.summary ?? "",
    errors: [...new Set(mine.flatMap((m) => (m.error ? [m.error] : [])))],
    software: ok.some((m) => m.software),
  } satisfies Pooled;
}

/** polytask's initial loss on PyTorch's first batch against PyTorch's, relative. */
function initialDiff(p: Pooled, torch: Pooled): string {
  const a = p.initialLoss;
  const b = torch.initialLoss;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return "-";
  return `${f2(a)} vs ${f2(b)} (${(Math.abs(a - b) / Math.abs(b)).toExponential(1)})`;
}

/** wasm's LeNet figure the goal compares with: polytask `wasm` on the development machine. */
export interface WasmReference {
  samplesPerS: number;
  /** Where it comes from, for the report. */
  source: string;
}

/**
 * The wasm row of the MultiMNIST LeNet in bench/shared-input/results.json (K = 2, EW, 1 thread,
 * its largest batch: 256), measured through `fit` on the development machine; undefined where
 * the file or the row is missing (the check then measures wasm on the host).
 */
export function sharedInputWasm(
  file = "bench/shared-input/results.json",
): WasmReference | undefined {
  if (!existsSync(file)) return undefined;
  const { meta, rows } = JSON.parse(readFileSync(file, "utf8")) as {
    meta: { date: string; cpu: string; cores: number; load: { mean: number } };
    rows: {
      backend: string;
      k: number;
      batch: number;
      weighting: string;
      threads: number;
      median: number;
    }[];
  };
  const wasm = rows
    .filter((r) => r.backend === "wasm" && r.k === 2 && r.weighting === "ew" && r.threads === 1)
    .filter((r) => Number.isFinite(r.median) && r.median > 0)
    .sort((a, b) => b.batch - a.batch)[0];
  if (!wasm) return undefined;
  const samplesPerS = (wasm.batch * 1000) / wasm.median;
  return {
    samplesPerS,
    source:
      `polytask \`wasm\` (1 thread) trains the K = 2 LeNet at ${samplesPerS.toFixed(0)} samples/s ` +
      `(median step ${wasm.median.toFixed(1)} ms at batch ${wasm.batch}) on the development machine ` +
      `(${meta.cpu}, ${meta.cores} cores, ${meta.date.slice(0, 10)}, load ${meta.load.mean.toFixed(1)}; ` +
      "bench/shared-input/results.json)",
  };
}

export function renderReport(r: ReportInput): string {
  const dry = r.runs.some((m) => m.backend === "webgpu" && m.software);
  const speed = (v: string) => (dry ? "(dry run)" : v);
  const out: string[] = [
    "# polytask on a GPU: webgpu (Dawn) beside PyTorch CUDA (bench/gpu/run.ts)",
    "",
  ];
  if (dry) {
    out.push(
      "**Dry run on a software adapter (SwiftShader on the CPU), at toy sizes.** It shows that the " +
        "bundle and the command run end to end and that webgpu computes what cpu computes; its " +
        "step times are CPU emulation, not GPU figures, so none is given. The GPU run has not " +
        "happened yet: see scripts/gpu/README.md.",
      "",
    );
  }
  out.push(
    `Machine: ${r.machine}; Node ${r.node}; load average ${r.load}. Run took ${r.minutes.toFixed(1)} min.`,
    "",
    "## Agreement tests (webgpu vs cpu)",
    "",
    "test/backend/webgpu-kernels, test/backend/webgpu-training and test/train/webgpu-fit on this " +
      `machine's adapter: ${r.agree.pass} pass, ${r.agree.fail} fail, ${r.agree.todo} todo, ` +
      `${r.agree.skipped} skipped.`,
    "",
  );
  for (const f of r.agree.failed) out.push(`- FAILED: ${f}`);
  for (const t of r.agree.todoNotes) out.push(`- TODO: ${t}`);
  for (const s of r.agree.skipNotes) out.push(`- skipped: ${s}`);
  if (r.agree.error) out.push(`- the test process failed: ${r.agree.error}`);
  out.push("");

  const model =
    "bench/shared-input/common.ts's LeNet through the public API: `model.fit` of " +
    '`convNet({ filters: [10, 20], kernelSize: 5, padding: "valid", dense: 50 })` (conv 5x5 ' +
    "10, max-pool, conv 5x5 20, max-pool, FC 320x50) with one 10-way classifier head per task, " +
    "the tasks one group on one MultiMNIST input (one backbone pass per step, the heads one bank), " +
    '`sampler: samplers.proportional({ mode: "all" })`, EW, SGD lr 0.01, seed 7. PyTorch ' +
    "(bench/gpu/torch_bench.py): the same network (flatten in polytask's NHWC order, K " +
    "nn.Linear heads) from polytask's initial weights (`model.weights(7)`), loss = sum of the K " +
    "cross-entropies, the same images and labels in order. Step times: polytask's between " +
    "consecutive step events (loader, forward, backward, update, the step's one read); " +
    "PyTorch's batch copy to the device, forward, backward, update, loss.item().";
  out.push(
    "## The MultiMNIST LeNet (K = 2: left and right digit): samples/s",
    "",
    `${model} Rounds interleave webgpu and PyTorch; each measurement is a fresh process.`,
    "",
    "Initial loss: polytask's loss at its initial weights on samples 0..batch-1 (a one-step fit " +
      "on them alone) vs PyTorch's first step on the same samples, and their relative difference: " +
      "it checks that both train the same network from the same point.",
    "",
    "| backend | batch | version | steps timed | median step (ms) | best step (ms) | samples/s (median / best) | vs PyTorch (median) | initial loss vs PyTorch |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  const batches = r.plan.lenet.map((p) => p.batch);
  const lenetRows: [string, number][] = batches.flatMap((b): [string, number][] => [
    ["webgpu", b],
    ["pytorch", b],
  ]);
  if (!r.wasmRef) lenetRows.push(["wasm", r.plan.wasm.batch]);
  const rate = new Map<string, number>();
  for (const [backend, b] of lenetRows) {
    const p = pool(r.runs, "lenet", backend, b, 2);
    const torch = pool(r.runs, "lenet", "pytorch", b, 2);
    if (p.times.length === 0) {
      out.push(
        `| ${backend} | ${b} | - | 0 | - | - | - | - | ${p.errors.join("; ") || "not run"} |`,
      );
      continue;
    }
    const med = median(p.times);
    const best = Math.min(...p.times);
    rate.set(`${backend}@${b}`, (b * 1000) / med);
    const vs = torch.times.length ? median(torch.times) / med : Number.NaN;
    const cells = [
      backend === "wasm" ? "wasm (host CPU)" : backend,
      String(b),
      p.summary,
      String(p.times.length),
      speed(f1(med)),
      speed(f1(best)),
      speed(`${f0((b * 1000) / med)} / ${f0((b * 1000) / best)}`),
      speed(`${f2(vs)}x`),
      backend === "pytorch" ? f2(p.initialLoss) : initialDiff(p, torch),
    ];
    out.push(`| ${cells.join(" | ")} |`);
  }
  const wasmRate = r.wasmRef?.samplesPerS ?? rate.get(`wasm@${r.plan.wasm.batch}`);
  out.push("");
  out.push(
    r.wasmRef
      ? `wasm reference: ${r.wasmRef.source}.`
      : "wasm reference: bench/shared-input/results.json has no wasm LeNet row, so the row " +
          "above measures `wasm` on this machine's host CPU.",
    "",
  );

  out.push(
    "## Shared-input K-scaling: one EW step of K tasks on one input",
    "",
    `The same fit with K = ${r.plan.tasks.join(", ")} tasks (t0, t1 = left and right digit; ` +
      `t2... seeded permutations of them) at batch ${r.plan.kscale.batch}; PyTorch with K heads.`,
    "",
    "| backend | K | steps timed | median step (ms) | vs K = 2 | initial loss vs PyTorch |",
    "|---|---|---|---|---|---|",
  );
  const kRatio = new Map<string, number>();
  for (const backend of ["webgpu", "pytorch"]) {
    const base = pool(r.runs, "kscale", backend, r.plan.kscale.batch, r.plan.tasks[0] as number);
    for (const k of r.plan.tasks) {
      const p = pool(r.runs, "kscale", backend, r.plan.kscale.batch, k);
      const torch = pool(r.runs, "kscale", "pytorch", r.plan.kscale.batch, k);
      if (p.times.length === 0) {
        out.push(`| ${backend} | ${k} | 0 | - | - | ${p.errors.join("; ") || "not run"} |`);
        continue;
      }
      const ratio = base.times.length ? median(p.times) / median(base.times) : Number.NaN;
      kRatio.set(`${backend}@${k}`, ratio);
      const init = backend === "pytorch" ? f2(p.initialLoss) : initialDiff(p, torch);
      out.push(
        `| ${backend} | ${k} | ${p.times.length} | ${speed(f1(median(p.times)))} | ${speed(`${f2(ratio)}x`)} | ${init} |`,
      );
    }
  }
  out.push("");

  const first = batches[0] as number;
  const last = batches[batches.length - 1] as number;
  const kmax = r.plan.tasks[r.plan.tasks.length - 1] as number;
  const goal = (ok: boolean | undefined) =>
    dry || ok === undefined ? "not measured" : ok ? "met" : "NOT met";
  const g1 = rate.get(`webgpu@${first}`);
  const g2 = rate.get(`webgpu@${last}`);
  const t2 = rate.get(`pytorch@${last}`);
  const g3 = kRatio.get(`webgpu@${kmax}`);
  out.push(
    "## Goals (issue 16)",
    "",
    `- webgpu LeNet (batch ${first}) >= 10x polytask's wasm samples/s: ${goal(g1 !== undefined && wasmRate !== undefined ? g1 >= 10 * wasmRate : undefined)}${!dry && g1 && wasmRate ? ` (${f1(g1 / wasmRate)}x)` : ""}`,
    `- webgpu >= 0.3x PyTorch CUDA at batch ${last}: ${goal(g2 !== undefined && t2 !== undefined ? g2 >= 0.3 * t2 : undefined)}${!dry && g2 && t2 ? ` (${f2(g2 / t2)}x)` : ""}`,
    `- webgpu K = ${kmax} step <= 1.5x the K = ${r.plan.tasks[0]} step: ${goal(g3 !== undefined ? g3 <= 1.5 : undefined)}${!dry && g3 ? ` (${f2(g3)}x)` : ""}`,
    "",
  );
  if (r.torchErrors.length) {
    out.push(`PyTorch: ${r.torchErrors.join("; ")}`, "");
  }
  out.push(
    "Method: PyTorch computes in fp32 (TF32 off for convolutions and matmuls, as webgpu has no " +
      "TF32) with cudnn.benchmark on; every step of every framework copies its batch from host " +
      "memory and reads its loss back. webgpu runs polytask's patched kernels " +
      "(src/backend/webgpu/). polytask's step times include its epoch ends (every " +
      "samples/batch steps). Times are wall-clock (performance.now / perf_counter).",
    "",
  );
  return out.join("\n");
}
