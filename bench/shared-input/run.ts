/**
 * The shared-input benchmark (issue 12): K tasks labelling one input, the K-task LeNet of
 * common.ts, batch 128, SGD, through polytask's public `fit` (worker.ts) on `tensorflow` and
 * `wasm`, interleaved with PyTorch CPU (torch_worker.py) at the same thread count, on the same
 * images and labels from the same initial weights. Each measurement is its own process; rounds
 * interleave the configurations so that load from other processes hits them alike. Writes
 * bench/shared-input/REPORT.md and results.json.
 *
 * usage: node --import tsx bench/shared-input/run.ts [--rounds 2] [--steps 12] [--warmup 3]
 *        [--batch 128] [--ks 2,8,32] [--quick]
 * Needs bench/pytorch/setup.sh (the PyTorch venv) and `npx polytask native setup` (tensorflow).
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { writeFiles } from "./common.js";
import { type Row, renderReport } from "./report.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes("--quick");
const rounds = Number(opt("rounds", quick ? "1" : "2"));
const steps = Number(opt("steps", quick ? "4" : "12"));
const warmup = Number(opt("warmup", quick ? "1" : "3"));
const batch = Number(opt("batch", "128"));
const ks = opt("ks", quick ? "2,8" : "2,8,32")
  .split(",")
  .map(Number);
const mnistBatch = Number(opt("mnist-batch", "256"));

const root = join(import.meta.dirname, "..", "..");
const torchPython = join(root, "bench", "pytorch", ".venv", "bin", "python");
const env = (threads: number) => ({
  ...process.env,
  TF_CPP_MIN_LOG_LEVEL: "2",
  TF_NUM_INTRAOP_THREADS: String(threads),
  TF_NUM_INTEROP_THREADS: "1",
  OMP_NUM_THREADS: String(threads),
  OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? "PASSIVE",
  POLYTASK_QUIET: "1",
});

interface Measured {
  backend: string;
  summary: string;
  k: number;
  batch: number;
  weighting: string;
  mode?: string;
  threads: number;
  times: number[];
  loss: number;
}

interface Job {
  key: string;
  /** tfjs-*: the same step written in plain TensorFlow.js (raw-tfjs.ts), the floor under fit. */
  backend: "tensorflow" | "wasm" | "pytorch" | "tfjs-tensorflow" | "tfjs-wasm";
  k: number;
  batch: number;
  weighting: string;
  mode: "-" | "shared" | "representation";
  threads: number;
}

async function measure(j: Job): Promise<Measured> {
  const n = j.batch * (warmup + steps);
  const files = await writeFiles(n, j.k);
  const cmd =
    j.backend === "pytorch"
      ? [
          torchPython,
          join(import.meta.dirname, "torch_worker.py"),
          files.data,
          files.init,
          j.k,
          j.batch,
          warmup,
          steps,
          j.weighting,
          j.threads,
        ]
      : j.backend.startsWith("tfjs-")
        ? [
            process.execPath,
            "--import",
            "tsx",
            join(import.meta.dirname, "raw-tfjs.ts"),
            j.backend.slice("tfjs-".length),
            j.k,
            j.batch,
            warmup,
            steps,
          ]
        : [
            process.execPath,
            "--import",
            "tsx",
            join(import.meta.dirname, "worker.ts"),
            j.backend,
            j.k,
            j.batch,
            warmup,
            steps,
            j.weighting,
            j.mode,
          ];
  const out = execFileSync(String(cmd[0]), cmd.slice(1).map(String), {
    env: env(j.threads),
    encoding: "utf8",
    maxBuffer: 1 << 26,
    timeout: 600_000,
  });
  const line = out
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .pop();
  if (!line) throw new Error(`${j.key}: no result line in:\n${out.slice(-2000)}`);
  return JSON.parse(line) as Measured;
}

const jobs: Job[] = [];
const add = (j: Omit<Job, "key">) =>
  jobs.push({ ...j, key: `${j.backend}|${j.k}|${j.batch}|${j.weighting}|${j.mode}|${j.threads}` });
const backends = ["tensorflow", "wasm", "pytorch"] as const;
for (const k of ks)
  for (const backend of [...backends, "tfjs-tensorflow", "tfjs-wasm"] as const)
    add({ backend, k, batch, weighting: "ew", mode: "-", threads: 1 });
const kmax = Math.max(...ks);
const gradient = quick
  ? ["pcgrad", "mgda"]
  : ["pcgrad", "mgda", "cagrad", "imtl", "nash", "aligned", "gradnorm"];
for (const w of gradient)
  add({ backend: "tensorflow", k: kmax, batch, weighting: w, mode: "representation", threads: 1 });
for (const k of ks)
  for (const w of ["pcgrad", "mgda"]) {
    add({ backend: "tensorflow", k, batch, weighting: w, mode: "shared", threads: 1 });
    add({ backend: "pytorch", k, batch, weighting: w, mode: "shared", threads: 1 });
  }
// MultiMNIST two-head LeNet, batch 256: labelled pairs per second, 1 and 2 threads
for (const threads of [1, 2])
  for (const backend of backends)
    if (!(backend === "wasm" && threads === 2))
      add({ backend, k: 2, batch: mnistBatch, weighting: "ew", mode: "-", threads });

if (!existsSync(torchPython)) throw new Error("no PyTorch venv: run bench/pytorch/setup.sh");
const results = new Map<string, Measured[]>();
const load: number[][] = [];
for (let r = 0; r < rounds; r++)
  for (const j of jobs) {
    load.push(loadavg());
    const m = await measure(j);
    results.set(j.key, [...(results.get(j.key) ?? []), m]);
    const med = [...m.times].sort((a, b) => a - b)[Math.floor(m.times.length / 2)];
    console.log(
      `round ${r + 1}/${rounds} ${j.key}: median ${med.toFixed(1)} ms (load ${loadavg()[0].toFixed(2)})`,
    );
  }

const rows: Row[] = jobs.map((j) => {
  const ms = (results.get(j.key) ?? []).flatMap((m) => m.times).sort((a, b) => a - b);
  const first = (results.get(j.key) ?? [])[0];
  return {
    ...j,
    median: ms[Math.floor(ms.length / 2)],
    samples: ms.length,
    summary: first?.summary ?? "",
    loss: first?.loss ?? Number.NaN,
  };
});
const meta = {
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  rounds,
  steps,
  warmup,
  batch,
  load: {
    min: Math.min(...load.map((l) => l[0])),
    max: Math.max(...load.map((l) => l[0])),
    mean: load.reduce((s, l) => s + l[0], 0) / load.length,
  },
  command: `node --import tsx bench/shared-input/run.ts ${args.join(" ")}`.trim(),
};
writeFileSync(
  join(import.meta.dirname, "results.json"),
  `${JSON.stringify({ meta, rows }, null, 1)}\n`,
);
writeFileSync(join(import.meta.dirname, "REPORT.md"), renderReport(meta, rows, ks));
console.log("wrote bench/shared-input/REPORT.md");
