/**
 * Which way the campaign runs faster on this machine: one job with 2 TensorFlow threads, or two
 * jobs at once with 1 thread each; then seconds per epoch of every configuration in the faster
 * mode. Real jobs (job.ts) on the full data, a few epochs each, in scratch campaigns; the modes
 * alternate over `--rounds` so that load drift on the shared machine hits both. Writes
 * throughput.json next to this file (report.ts quotes it).
 *   node --import tsx bench/reproduce/multimnist/measure.ts [--epochs 3] [--rounds 2]
 *     [--config-epochs 2] [--scratch DIR]
 */
import { spawn } from "node:child_process";
import { openSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { CONFIGS, type ConfigName, DEFAULT_CAMPAIGN, type RunSpec } from "./plan.js";
import { DEFAULT_ROOT, HERE, historyOf, writeJson } from "./store.js";

const argv = process.argv.slice(2);
const opt = (k: string, d: string) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : d);
const epochs = Number(opt("--epochs", "3"));
const rounds = Number(opt("--rounds", "2"));
const configEpochs = Number(opt("--config-epochs", "2"));
const scratch = opt("--scratch", join(DEFAULT_ROOT, ".measure"));
const load = loadavg().map((x) => Math.round(x * 100) / 100);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Timing {
  /** Median wall-clock and CPU seconds per epoch of one job, and their sums over its epochs. */
  wall: number;
  cpu: number;
  wallTotal: number;
  cpuTotal: number;
  epochs: number;
}

/** Runs the given configurations at once, `threads` each, `n` epochs: per job its timing. */
async function batch(
  tag: string,
  configs: ConfigName[],
  threads: number,
  n: number,
): Promise<Timing[]> {
  const root = join(scratch, tag);
  rmSync(root, { recursive: true, force: true });
  writeJson(join(root, "campaign.json"), { ...DEFAULT_CAMPAIGN, threadsPerJob: threads });
  const jobs = configs.map((config, i) => {
    const spec: RunSpec = {
      id: `m/${config}-${i}`,
      phase: "search",
      config,
      variant: "paper",
      lr: 1e-2,
      seed: 0,
      epochs: n,
    };
    writeJson(join(root, spec.id, "spec.json"), spec);
    const out = openSync(join(root, `${config}-${i}.log`), "a");
    const t = String(threads);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(HERE, "job.ts"), root, spec.id],
      {
        cwd: join(HERE, "../../.."),
        stdio: ["ignore", out, out],
        env: {
          ...process.env,
          TF_NUM_INTRAOP_THREADS: t,
          TF_NUM_INTEROP_THREADS: "1",
          OMP_NUM_THREADS: t,
          OMP_WAIT_POLICY: "PASSIVE",
          TF_CPP_MIN_LOG_LEVEL: "2",
        },
      },
    );
    return new Promise<Timing>((resolve, reject) =>
      child.on("exit", (code) => {
        const h = historyOf(root, spec.id);
        if (code !== 0 || !h) reject(new Error(`measure: job ${tag}/${spec.id} exited ${code}`));
        else
          resolve({
            wall: median(h.epochs.map((e) => e.seconds)),
            cpu: median(h.epochs.map((e) => e.cpuSeconds ?? Number.NaN)),
            wallTotal: h.epochs.reduce((a, e) => a + e.seconds, 0),
            cpuTotal: h.epochs.reduce((a, e) => a + (e.cpuSeconds ?? Number.NaN), 0),
            epochs: h.epochs.length,
          });
      }),
    );
  });
  return Promise.all(jobs);
}

const modes = [
  { mode: "1x2", jobs: 1, threads: 2 },
  { mode: "2x1", jobs: 2, threads: 1 },
];
const timings: Record<string, Timing[][]> = { "1x2": [], "2x1": [] };
const rawRounds: { round: number; mode: string; load: number; jobs: Timing[] }[] = [];
for (let r = 0; r < rounds; r++)
  for (const m of r % 2 === 0 ? modes : [...modes].reverse()) {
    const t = await batch(`${m.mode}-r${r}`, Array(m.jobs).fill("uniform"), m.threads, epochs);
    timings[m.mode].push(t);
    rawRounds.push({ round: r, mode: m.mode, load: loadavg()[0], jobs: t });
    console.log(
      `round ${r} ${m.mode}: ${t.map((x) => `${x.wall.toFixed(1)} s wall, ${x.cpu.toFixed(1)} s cpu`).join("; ")} per epoch (load ${loadavg()[0].toFixed(1)})`,
    );
  }
// Throughput of a mode: all its job-epochs over the time its batches took (a batch lasts as
// long as its slowest job's epochs), summed over the alternating rounds, so that a round at a
// heavier load weighs in by its duration. `coresUsed`: CPU seconds over that time.
const result = modes.map((m) => {
  const batches = timings[m.mode];
  const span = batches.reduce((a, b) => a + Math.max(...b.map((t) => t.wallTotal)), 0);
  const jobEpochs = batches.reduce((a, b) => a + b.reduce((x, t) => x + t.epochs, 0), 0);
  const cpu = batches.reduce((a, b) => a + b.reduce((x, t) => x + t.cpuTotal, 0), 0);
  return {
    ...m,
    secondsPerEpoch: median(batches.flat().map((t) => t.wall)),
    cpuSecondsPerEpoch: median(batches.flat().map((t) => t.cpu)),
    epochsPerHour: (jobEpochs * 3600) / span,
    epochsPerCpuHour: (jobEpochs * 3600) / cpu,
    coresUsed: cpu / span,
  };
});
const best = result.reduce((a, b) => (b.epochsPerHour > a.epochsPerHour ? b : a));
console.log(
  result
    .map(
      (m) =>
        `${m.mode}: ${m.epochsPerHour.toFixed(0)} epochs/h, ${m.epochsPerCpuHour.toFixed(0)} epochs per CPU hour, ${m.coresUsed.toFixed(2)} cores used`,
    )
    .join("; "),
);
console.log(`more epochs per hour: ${best.mode}`);
const perConfig: Record<string, number> = {};
const perConfigCpu: Record<string, number> = {};
for (let i = 0; i < CONFIGS.length; i += best.jobs) {
  const group = CONFIGS.slice(i, i + best.jobs) as ConfigName[];
  const t = await batch(`config-${i}`, group, best.threads, configEpochs);
  group.forEach((c, k) => {
    perConfig[c] = t[k].wall;
    perConfigCpu[c] = t[k].cpu;
  });
  console.log(
    group.map((c, k) => `${c} ${t[k].wall.toFixed(1)} s (${t[k].cpu.toFixed(1)} s cpu)`).join(", "),
  );
}
writeJson(join(HERE, "throughput.json"), {
  date: new Date().toISOString(),
  load,
  loadEnd: loadavg().map((x) => Math.round(x * 100) / 100),
  epochs,
  rounds,
  modes: result,
  rawRounds,
  best: best.mode,
  configEpochs,
  perConfig,
  perConfigCpu,
  perConfigMode: best.mode,
});
rmSync(scratch, { recursive: true, force: true });
