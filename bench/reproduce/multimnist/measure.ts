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
  /** Median wall-clock and CPU seconds per epoch of one job. */
  wall: number;
  cpu: number;
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
const timings: Record<string, Timing[]> = { "1x2": [], "2x1": [] };
for (let r = 0; r < rounds; r++)
  for (const m of r % 2 === 0 ? modes : [...modes].reverse()) {
    const t = await batch(`${m.mode}-r${r}`, Array(m.jobs).fill("uniform"), m.threads, epochs);
    timings[m.mode].push(...t);
    console.log(
      `round ${r} ${m.mode}: ${t.map((x) => `${x.wall.toFixed(1)} s wall, ${x.cpu.toFixed(1)} s cpu`).join("; ")} per epoch (load ${loadavg()[0].toFixed(1)})`,
    );
  }
const result = modes.map((m) => {
  const wall = median(timings[m.mode].map((t) => t.wall));
  const cpu = median(timings[m.mode].map((t) => t.cpu));
  return {
    ...m,
    secondsPerEpoch: wall,
    cpuSecondsPerEpoch: cpu,
    epochsPerHour: (m.jobs * 3600) / wall,
    epochsPerCpuHour: 3600 / cpu,
  };
});
// The machine is shared and loaded: wall-clock rates swing with the other work, while CPU
// seconds per epoch (both modes run the same number of threads, so they get the same share
// at nice 19) measure how efficiently each mode turns CPU into epochs.
const best = result.reduce((a, b) => (b.epochsPerCpuHour > a.epochsPerCpuHour ? b : a));
console.log(`more epochs per CPU hour: ${best.mode} (${best.epochsPerCpuHour.toFixed(0)})`);
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
  best: best.mode,
  configEpochs,
  perConfig,
  perConfigCpu,
  perConfigMode: best.mode,
});
rmSync(scratch, { recursive: true, force: true });
