/**
 * Spike (docs/scale-out.md): data-parallel MGDA-UB on two worker processes over loopback TCP,
 * checked against one process. For each task count T it runs the single-process reference
 * (workers = 1) and then W workers (alternating, `--reps` times), and reports per step: the
 * local Gram's compute time, the Gram all-reduce (T x T doubles), the weighted backward, the
 * gradient all-reduce (P floats), and for comparison the all-reduce of the T per-task gradients
 * of the shared parameters that a parameter-level method would need; bytes sent per worker;
 * and the agreement of the reduced Gram, MGDA weights and gradient with the reference.
 * Usage: node --import tsx bench/scaleout/run.ts [--workers 2] [--batch 256] [--steps 12]
 *   [--tasks 2,6] [--backend tensorflow|wasm|cpu] [--reps 2]. Writes bench/scaleout/REPORT.md.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) =>
  argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt;
const W = Number(opt("--workers", "2"));
const B = Number(opt("--batch", "256"));
const steps = Number(opt("--steps", "12"));
const taskCounts = opt("--tasks", "2,6").split(",").map(Number);
const backend = opt("--backend", "tensorflow");
const reps = Number(opt("--reps", "2"));
const warmup = 2;

interface Result {
  rank: number;
  workers: number;
  rows: number;
  params: number;
  sharedParams: number;
  times: Record<string, number>[];
  grams: number[][];
  weights: number[][];
}

function runWorkers(w: number, tasks: number, dir: string, port: number): Promise<void> {
  const procs = Array.from({ length: w }, (_, r) =>
    spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(here, "worker.ts"),
        ...[r, w, port, B, steps, tasks].map(String),
        backend,
        dir,
      ],
      { stdio: ["ignore", "ignore", "inherit"] },
    ),
  );
  return Promise.all(
    procs.map(
      (p, r) =>
        new Promise<void>((res, rej) =>
          p.on("exit", (c) => (c === 0 ? res() : rej(new Error(`worker ${r}/${w} exited ${c}`)))),
        ),
    ),
  ).then(() => undefined);
}

const read = (dir: string, r: number, w: number): Result =>
  JSON.parse(readFileSync(join(dir, `rank${r}-of${w}.json`), "utf8"));
const bin = (dir: string, name: string) => {
  const b = readFileSync(join(dir, name));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
};
const fmt = (v: number, d = 2) => v.toFixed(d);

const load0 = loadavg();
const lines: string[] = [];
const table: string[] = [];
const checks: string[] = [];
let port = 41000 + Math.floor(Math.random() * 2000);
for (const T of taskCounts) {
  const refTimes: Record<string, number>[] = [];
  const dpTimes: Record<string, number>[] = [];
  let last: { ref: Result; dp: Result[]; dir: string } | undefined;
  for (let rep = 0; rep < reps; rep++) {
    const dir = mkdtempSync(join(tmpdir(), "polytask-dp-"));
    await runWorkers(1, T, dir, port++);
    port += W;
    await runWorkers(W, T, dir, port);
    port += W + 1;
    const ref = read(dir, 0, 1);
    const dp = Array.from({ length: W }, (_, r) => read(dir, r, W));
    refTimes.push(...ref.times.slice(warmup));
    for (const d of dp) dpTimes.push(...d.times.slice(warmup));
    if (last) rmSync(last.dir, { recursive: true, force: true });
    last = { ref, dp, dir };
  }
  const { ref, dp, dir } = last!;
  // agreement with the single process: every step's reduced Gram and weights, step 0's gradients
  let gramErr = 0;
  let wErr = 0;
  for (let s = 0; s < steps; s++)
    for (const d of dp) {
      gramErr = Math.max(gramErr, relErr(d.grams[s], ref.grams[s]));
      wErr = Math.max(wErr, ...d.weights[s].map((v, i) => Math.abs(v - ref.weights[s][i])));
    }
  const gradErr = Math.max(
    ...dp.map((_, r) =>
      relErr(bin(dir, `rank${r}-of${W}-grad0.bin`), bin(dir, "rank0-of1-grad0.bin")),
    ),
  );
  const taskErr = Math.max(
    ...dp.map((_, r) =>
      relErr(bin(dir, `rank${r}-of${W}-taskgrad0.bin`), bin(dir, "rank0-of1-taskgrad0.bin")),
    ),
  );
  const sameOnRanks = dp.every((d) => JSON.stringify(d.grams) === JSON.stringify(dp[0].grams));
  rmSync(dir, { recursive: true, force: true });
  checks.push(
    `| ${T} | ${gramErr.toExponential(1)} | ${wErr.toExponential(1)} | ${gradErr.toExponential(1)} | ${taskErr.toExponential(1)} | ${sameOnRanks ? "yes" : "NO"} |`,
  );
  const m = (ts: Record<string, number>[], k: string) => median(ts.map((t) => t[k]));
  const P = ref.params;
  const Ps = ref.sharedParams;
  const repStep =
    m(dpTimes, "gramCompute") +
    m(dpTimes, "gramReduce") +
    m(dpTimes, "backward") +
    m(dpTimes, "gradReduce");
  const refStep = m(refTimes, "gramCompute") + m(refTimes, "backward");
  const parStep = m(dpTimes, "taskGradCompute") + m(dpTimes, "taskGradReduce");
  table.push(
    `| ${T} | ${P.toLocaleString("en")} | ${fmt(refStep, 1)} | ${fmt(m(dpTimes, "gramCompute"), 1)} | ${fmt(m(dpTimes, "gramReduce"), 3)} (${m(dpTimes, "gramBytes")} B) | ${fmt(m(dpTimes, "backward"), 1)} | ${fmt(m(dpTimes, "gradReduce"), 2)} (${(m(dpTimes, "gradBytes") / 1e6).toFixed(2)} MB) | ${fmt(repStep, 1)} | ${fmt(m(dpTimes, "wait"), 1)} | ${fmt(m(dpTimes, "taskGradCompute"), 1)} + ${fmt(m(dpTimes, "taskGradReduce"), 2)} (${(m(dpTimes, "taskGradBytes") / 1e6).toFixed(2)} MB, T x ${Ps.toLocaleString("en")}) = ${fmt(parStep, 1)} |`,
  );
}
const load1 = loadavg();
lines.push(
  "# Data-parallel spike: local Grams all-reduced over loopback",
  "",
  "Generated by `node --import tsx bench/scaleout/run.ts" +
    (argv.length ? ` ${argv.join(" ")}` : "") +
    "` (see docs/scale-out.md).",
  "",
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}; backend ${backend}; load average ${load0.map((v) => v.toFixed(2)).join(" ")} before, ${load1.map((v) => v.toFixed(2)).join(" ")} after (the machine is shared). ${W} worker processes on 127.0.0.1 with a TCP ring all-reduce (bench/scaleout/ring.ts); global batch ${B} MultiMNIST samples (${B / W} per worker), MLP 784-256-128 backbone, T classifier heads; MGDA-UB weights from the Gram of the representation gradients. Medians over ${reps} x ${steps - warmup} steps per configuration (first ${warmup} steps of each run dropped); the single-process reference ran in the same session, alternating with the workers.`,
  "",
  "## Agreement with one process (all steps' Grams and weights, step 0's gradients)",
  "",
  "| T | Gram rel. error | max weight diff | weighted gradient rel. error | T task gradients rel. error | ranks identical |",
  "|---|---|---|---|---|---|",
  ...checks,
  "",
  "## Time per step (ms) and bytes sent per worker",
  "",
  "| T | params P | 1 process: Gram + backward | local Gram | Gram all-reduce | weighted backward | gradient all-reduce | representation-level step | waiting for the other rank | parameter-level instead: T backward + all-reduce of T gradients |",
  "|---|---|---|---|---|---|---|---|---|---|",
  ...table,
  "",
  "Columns: the representation-level step is local Gram + Gram all-reduce + weighted backward + gradient all-reduce (the solve is microseconds). Each timed all-reduce starts after a barrier, so it measures communication; the time a rank waited at the barriers for the other one (compute skew, other load on the machine) is listed apart. A parameter-level method must all-reduce every task's gradient of the shared parameters before it can form their Gram, since inner products of summed gradients are not sums of local inner products.",
  "",
);
writeFileSync(join(here, "REPORT.md"), lines.join("\n"));
console.log(lines.join("\n"));
