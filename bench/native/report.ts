/** Renders bench/REPORT-native.md from the measurements of bench/native/run.ts. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Measured {
  backend: string;
  summary: string;
  threads: number;
  /** Step times (ms) after warm-up. */
  times: number[];
  /** Loss at every step, warm-up included. */
  losses: number[];
  leaked: number;
  error?: string;
}

export interface Row {
  backend: string;
  threads: number;
  runs: Measured[];
}

export interface Meta {
  batch: number;
  threads: number;
  n: number;
  lr: number;
  rounds: number;
  steps: number;
  warmup: number;
  cpuSteps: number;
  machine: string;
  node: string;
  load: string;
  minutes: number;
  root: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const NAMES: Record<string, string> = {
  pytorch: "PyTorch (CPU)",
  tensorflow: "polytask `tensorflow`",
  wasm: "polytask `wasm`",
  cpu: "polytask `cpu`",
};

function setupSection(root: string): string {
  const manifest = join(
    root,
    ".native",
    "node_modules",
    "@tensorflow",
    "tfjs-node",
    "polytask-native.json",
  );
  if (!existsSync(manifest)) return "";
  const m = JSON.parse(readFileSync(manifest, "utf8")) as {
    wheel: string;
    tfVersion: string;
    steps: { name: string; seconds: number; skipped: boolean }[];
    lastWork?: { name: string; seconds: number; skipped: boolean }[];
  };
  const lines = (m.lastWork ?? m.steps).map(
    (s) => `| ${s.name} | ${s.skipped ? "already done" : `${s.seconds.toFixed(1)} s`} |`,
  );
  return [
    "",
    `## Native backend used here (\`${m.wheel}\`, TensorFlow ${m.tfVersion})`,
    "",
    "Step timings of `polytask native setup` on this machine, each from the last run that did " +
      "the step's work (reruns skip finished steps in well under a second each, except the " +
      "checks, which always run):",
    "",
    "| step | time |",
    "|---|---|",
    ...lines,
  ].join("\n");
}

export function renderReport(rows: Row[], meta: Meta): string {
  const ok = (r: Row) => r.runs.filter((m) => !m.error && m.times.length > 0);
  const stats = rows.map((r) => {
    const runs = ok(r);
    const times = runs.flatMap((m) => m.times);
    const med = times.length ? median(times) : Number.NaN;
    const best = Math.min(...times);
    return {
      row: r,
      runs,
      times,
      med,
      best,
      sps: (meta.batch * 1000) / med,
      bestSps: (meta.batch * 1000) / best,
    };
  });
  const torchAt = (t: number) =>
    stats.find((s) => s.row.backend === "pytorch" && s.row.threads === t && s.times.length);
  const torchMax = torchAt(meta.threads);
  const torchLoss = torchMax?.runs[0]?.losses ?? [];
  const ratio = (s: { sps: number; bestSps: number }, t?: { sps: number; bestSps: number }) =>
    t ? `${(s.sps / t.sps).toFixed(2)}x / ${(s.bestSps / t.bestSps).toFixed(2)}x` : "n/a";
  const lines = stats.map((s) => {
    const name = NAMES[s.row.backend] ?? s.row.backend;
    const t = s.row.threads;
    if (!s.times.length) {
      const why = s.row.runs.find((m) => m.error)?.error ?? "no steps measured";
      return `| ${name} | ${t} | not measured: ${why.replace(/\|/g, "/")} | | | | | | | |`;
    }
    const losses = s.runs[0].losses;
    const k = Math.min(losses.length, torchLoss.length);
    let diff = 0;
    for (let i = 0; i < k; i++) diff = Math.max(diff, Math.abs(losses[i] - torchLoss[i]));
    const version = s.runs[0].summary.replace(/, \d+ threads?/, "");
    return (
      `| ${name} | ${t} | ${version} | ${s.times.length} | ${s.med.toFixed(0)} | ${s.best.toFixed(0)} | ` +
      `${s.sps.toFixed(0)} / ${s.bestSps.toFixed(0)} | ${ratio(s, torchAt(t))} | ${ratio(s, torchMax)} | ` +
      `${k ? `${diff.toExponential(1)} (${k} steps)` : "n/a"} |`
    );
  });
  return [
    "# Native TensorFlow vs PyTorch vs wasm vs cpu (bench/native/run.ts)",
    "",
    `Machine: ${meta.machine}; Node ${meta.node}; load average ${meta.load} (the machine was shared ` +
      "with other jobs while measuring, so absolute numbers are noisy; rounds interleave the " +
      `backends so that noise hits them alike). Run took ${meta.minutes.toFixed(1)} min.`,
    "",
    "Model: two-head LeNet (conv 10@9x9, maxpool 2, relu; conv 20@5x5, maxpool 2, relu; fc 50, relu; " +
      "two 10-way heads), loss = sum of the two softmax cross-entropies; plain SGD, lr " +
      `${meta.lr}; batch ${meta.batch}; 28x28x1 MultiMNIST (polytask's \`multiMnist\`, train, ` +
      `seed 0, ${meta.n} samples written once to bench/out/); identical initial weights ` +
      "(bench/out/lenet2-init.bin) in every framework. " +
      "Threads: PyTorch (torch.set_num_threads, 1 interop thread) and TensorFlow " +
      "(TF_NUM_INTRAOP_THREADS, 1 interop thread) run at each listed count, with " +
      "OMP_WAIT_POLICY=PASSIVE (spinning OpenMP workers made PyTorch's 2-thread steps 3-7x slower " +
      "on this shared machine); wasm and cpu run on one thread in Node.",
    "",
    `Each of ${meta.rounds} rounds runs PyTorch, tensorflow and wasm in fresh processes, ` +
      `${meta.warmup} warm-up + ${meta.steps} timed steps each; cpu runs ${meta.cpuSteps} step(s) ` +
      "once (it takes minutes per step). A step = batch to tensors, forward, backward, SGD update, " +
      "loss read back. samples/s = batch / step time, from the median step and from the best " +
      "step (the best step is the least disturbed by other processes on a shared machine).",
    "",
    `| backend | threads | version | steps timed | median step (ms) | best step (ms) | samples/s (median / best) | vs PyTorch, same threads (median / best) | vs PyTorch, ${meta.threads} threads (median / best) | max abs loss diff vs PyTorch |`,
    "|---|---|---|---|---|---|---|---|---|---|",
    ...lines,
    "",
    "Goals from the issue: `tensorflow` >= 1.0x PyTorch, `wasm` >= 0.5x PyTorch. The last column " +
      "compares the per-step losses with PyTorch's from the same start: the frameworks train the " +
      "same network on the same batches.",
    "",
    "GPU: `polytask native setup --gpu` (tensorflow[and-cuda] + tfjs-node-gpu) was NOT run or " +
      "verified on a GPU; this machine has none.",
    setupSection(meta.root),
    "",
  ].join("\n");
}
