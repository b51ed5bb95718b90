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
  summary: string;
  errors: string[];
  software: boolean;
}

/** All rounds of one (kind, backend, batch, tasks) pooled. */
function pool(runs: Measured[], kind: string, backend: string, batch: number, tasks?: number) {
  const mine = runs.filter(
    (m) => m.kind === kind && m.backend === backend && m.batch === batch && m.tasks === tasks,
  );
  const ok = mine.filter((m) => !m.error);
  return {
    times: ok.flatMap((m) => m.times),
    losses: ok[0]?.losses ?? [],
    summary: ok[0]?.summary ?? "",
    errors: [...new Set(mine.flatMap((m) => (m.error ? [m.error] : [])))],
    software: ok.some((m) => m.software),
  } satisfies Pooled;
}

function lossDiff(a: number[], b: number[]): string {
  const n = Math.min(a.length, b.length);
  if (n === 0) return "-";
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return `${d.toExponential(1)} (${n} steps)`;
}

/** wasm's samples/s at batch 256 on the development machine, from bench/REPORT-native.md. */
function wasmReference(): { median: number; best: number } | undefined {
  const file = "bench/REPORT-native.md";
  if (!existsSync(file)) return undefined;
  const row = readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.startsWith("| polytask `wasm` |"));
  const m = row?.split("|")[7]?.match(/(\d+)\s*\/\s*(\d+)/);
  return m ? { median: Number(m[1]), best: Number(m[2]) } : undefined;
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

  out.push(
    "## Two-head LeNet on MultiMNIST: samples/s",
    "",
    "bench/native's model (conv 10@9x9, maxpool, relu; conv 20@5x5, maxpool, relu; fc 50; two " +
      "10-way heads), the same MultiMNIST bytes and initial weights in every framework, plain " +
      "SGD lr 0.01. A step = batch from host memory to the device, forward, backward, update, " +
      "loss read back. Rounds interleave webgpu and PyTorch; each measurement is a fresh process.",
    "",
    "| backend | batch | version | steps timed | median step (ms) | best step (ms) | samples/s (median / best) | vs PyTorch (median) | max loss diff vs PyTorch |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  const batches = r.plan.lenet.map((p) => p.batch);
  const lenetRows: [string, number][] = [
    ...batches.flatMap((b): [string, number][] => [
      ["webgpu", b],
      ["pytorch", b],
    ]),
    ["wasm", r.plan.wasm.batch],
  ];
  const rate = new Map<string, number>();
  for (const [backend, b] of lenetRows) {
    const p = pool(r.runs, "lenet", backend, b);
    const torch = pool(r.runs, "lenet", "pytorch", b);
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
      backend === "pytorch" ? "-" : lossDiff(p.losses, torch.losses),
    ];
    out.push(`| ${cells.join(" | ")} |`);
  }
  const ref = wasmReference();
  out.push("");
  if (ref) {
    out.push(
      "Reference: polytask `wasm` on the 2-core development machine trains this LeNet at " +
        `${ref.median} samples/s (median step, batch 256; bench/REPORT-native.md).`,
    );
  }
  out.push("");

  out.push(
    "## Shared-input K-scaling: one EW step of K tasks on one input",
    "",
    `polytask's \`fit\` on a task group (\`datasets.fromArrays({ x, y: { t0, ..., tK-1 } })\`: ` +
      "one backbone pass per step): convNet({ filters: [10, 20], kernelSize: 5, dense: 50 }) " +
      `and K 10-way heads, batch ${r.plan.kscale.batch}, EW, SGD; step times from fit's step ` +
      "events. PyTorch: the same network, loss = sum of the K cross-entropies.",
    "",
    "| backend | K | steps timed | median step (ms) | vs K = 2 |",
    "|---|---|---|---|---|",
  );
  const kRatio = new Map<string, number>();
  for (const backend of ["webgpu", "pytorch"]) {
    const base = pool(r.runs, "kscale", backend, r.plan.kscale.batch, r.plan.tasks[0]);
    for (const k of r.plan.tasks) {
      const p = pool(r.runs, "kscale", backend, r.plan.kscale.batch, k);
      if (p.times.length === 0) {
        out.push(`| ${backend} | ${k} | 0 | - | ${p.errors.join("; ") || "not run"} |`);
        continue;
      }
      const ratio = base.times.length ? median(p.times) / median(base.times) : Number.NaN;
      kRatio.set(`${backend}@${k}`, ratio);
      out.push(
        `| ${backend} | ${k} | ${p.times.length} | ${speed(f1(median(p.times)))} | ${speed(`${f2(ratio)}x`)} |`,
      );
    }
  }
  out.push("");

  const last = batches[batches.length - 1] as number;
  const goal = (ok: boolean | undefined) =>
    dry || ok === undefined ? "not measured" : ok ? "met" : "NOT met";
  const g1 = rate.get("webgpu@256");
  const g2 = rate.get(`webgpu@${last}`);
  const t2 = rate.get(`pytorch@${last}`);
  const g3 = kRatio.get(`webgpu@${r.plan.tasks[r.plan.tasks.length - 1]}`);
  out.push(
    "## Goals (issue 16)",
    "",
    `- webgpu >= 10x polytask's wasm on the development machine (batch 256): ${goal(g1 !== undefined && ref ? g1 >= 10 * ref.median : undefined)}${!dry && g1 && ref ? ` (${f1(g1 / ref.median)}x)` : ""}`,
    `- webgpu >= 0.3x PyTorch CUDA at batch ${last}: ${goal(g2 !== undefined && t2 !== undefined ? g2 >= 0.3 * t2 : undefined)}${!dry && g2 && t2 ? ` (${f2(g2 / t2)}x)` : ""}`,
    `- webgpu K = ${r.plan.tasks[r.plan.tasks.length - 1]} step <= 1.5x the K = 2 step: ${goal(g3 !== undefined ? g3 <= 1.5 : undefined)}${!dry && g3 ? ` (${f2(g3)}x)` : ""}`,
    "",
  );
  if (r.torchErrors.length) {
    out.push("PyTorch: " + r.torchErrors.join("; "), "");
  }
  out.push(
    "Method: PyTorch computes in fp32 (TF32 off for convolutions and matmuls, as webgpu has no " +
      "TF32) with cudnn.benchmark on; every step of every framework copies its batch from host " +
      "memory and reads its loss back. webgpu runs polytask's patched kernels " +
      "(src/backend/webgpu/). Times are wall-clock per step (performance.now / perf_counter).",
    "",
  );
  return out.join("\n");
}
