/**
 * One-run comparison of PyTorch (CPU) with polytask on `tensorflow`, `wasm` and `cpu`, training
 * the same two-head LeNet on the same MultiMNIST bytes from the same initial weights, same batch,
 * optimizer (SGD) and thread count. Rounds interleave the backends so that load from other
 * processes hits them alike. Writes bench/REPORT-native.md.
 *
 * usage: node --import tsx bench/native/run.ts [--rounds 3] [--steps 20] [--warmup 3]
 *        [--cpu-steps 1] [--threads 1,2] [--batch 256] [--n 6144] [--lr 0.01]
 * PyTorch and tensorflow run at each thread count; wasm and cpu are single-threaded in Node.
 * Needs: bench/pytorch/setup.sh (PyTorch venv); `npx polytask native setup` for tensorflow.
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { benchData } from "./data.js";
import { type Measured, type Row, renderReport } from "./report.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const rounds = opt("rounds", 3);
const steps = opt("steps", 20);
const warmup = opt("warmup", 3);
const cpuSteps = opt("cpu-steps", 1);
const threadsArg = args.includes("--threads") ? args[args.indexOf("--threads") + 1] : "";
const threadCounts = [
  ...new Set((threadsArg || `1,${availableParallelism()}`).split(",").map(Number)),
].sort((a, b) => a - b);
const maxThreads = threadCounts[threadCounts.length - 1];
const batch = opt("batch", 256);
const n = opt("n", batch * 24);
const lr = opt("lr", 0.01);
const maxSeconds = 120;

const root = join(import.meta.dirname, "..", "..");
const torchPython = join(root, "bench", "pytorch", ".venv", "bin", "python");
const envFor = (threads: number) => ({
  ...process.env,
  TF_CPP_MIN_LOG_LEVEL: "2",
  TF_NUM_INTRAOP_THREADS: String(threads),
  TF_NUM_INTEROP_THREADS: "1",
  OMP_NUM_THREADS: String(threads),
  // On a shared machine, spinning OpenMP workers made PyTorch's 2-thread steps 3-7x slower;
  // passive waiting is the fair setting for the baseline (it does not change 1-thread runs).
  OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? "PASSIVE",
  POLYTASK_QUIET: "1",
});

function measure(backend: string, w: number, s: number, threads: number): Measured {
  const cmd =
    backend === "pytorch"
      ? [torchPython, join(root, "bench", "pytorch", "train.py")]
      : [process.execPath, "--import", "tsx", join(root, "bench", "native", "worker.ts")];
  const data = benchData(n);
  const tail =
    backend === "pytorch"
      ? [data.dataFile, data.initFile, n, batch, w, s, lr, threads, maxSeconds]
      : [backend, n, batch, w, s, lr, maxSeconds];
  try {
    const out = execFileSync(cmd[0], [...cmd.slice(1), ...tail.map(String)], {
      cwd: root,
      env: envFor(threads),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = out.trim().split("\n").pop() ?? "";
    return { ...(JSON.parse(line) as Measured), threads };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const why = (err.stderr ?? err.message).trim().split("\n").slice(-3).join(" ");
    return { backend, summary: "", threads, times: [], losses: [], leaked: 0, error: why };
  }
}

benchData(n);
const load0 = loadavg()[0];
const t0 = Date.now();
const results = new Map<string, Measured[]>();
const record = (key: string, m: Measured) => {
  results.set(key, [...(results.get(key) ?? []), m]);
  console.log(`${key}: ${m.error ?? `${m.times.length} steps, ${m.summary}`}`);
};
for (let r = 0; r < rounds; r++) {
  console.log(`round ${r + 1} of ${rounds}`);
  for (const t of threadCounts) {
    if (existsSync(torchPython)) record(`pytorch@${t}`, measure("pytorch", warmup, steps, t));
    else
      record(`pytorch@${t}`, { ...measure("none", 0, 0, t), error: "run bench/pytorch/setup.sh" });
    record(`tensorflow@${t}`, measure("tensorflow", warmup, steps, t));
  }
  record("wasm@1", measure("wasm", warmup, steps, 1));
}
if (cpuSteps > 0) record("cpu@1", measure("cpu", 0, cpuSteps, 1));
const rows: Row[] = [...results].map(([key, runs]) => {
  const [backend, t] = key.split("@");
  return { backend, threads: Number(t), runs };
});
const report = renderReport(rows, {
  batch,
  threads: maxThreads,
  n,
  lr,
  rounds,
  steps,
  warmup,
  cpuSteps,
  machine: `${cpus()[0]?.model ?? "cpu"}, ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  node: process.version,
  load: `${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end`,
  minutes: (Date.now() - t0) / 60000,
  root,
});
const out = join(root, "bench", "REPORT-native.md");
writeFileSync(out, report);
console.log(report);
console.log(`wrote ${out}`);
