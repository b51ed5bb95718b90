/**
 * `polytask sweep <sweep.json> [--engine local|ray]`: a grid or random search over train options,
 * each trial an ordinary `polytask train` run in its own directory (see src/sweep/).
 */
import { engines } from "../sweep/engines/index.js";
import { runSweep } from "../sweep/run.js";
import { intFlag, parseFlags, wantsHelp } from "./args.js";
import { checkConfig } from "./train.js";

export function sweepUsage(): string {
  const list = engines
    .names()
    .map((n) => `  ${n.padEnd(8)} ${engines.entry(n).description ?? ""}`)
    .join("\n");
  return `usage: polytask sweep <sweep.json> [options]

Runs a grid or random search over polytask train options (lr, weighting, task weights, seeds,
...); each trial is a polytask train run with its own checkpoint, CSV log and result under
<out>/trials/<id>/. Running a sweep again continues it (completed trials are kept, others resume
from their checkpoints). Read the results with pt.loadSweep(dir) and pt.compare(sweep).

Engines:
${list}

Options:
  --engine NAME         overrides the sweep file's "engine" (default local)
  --workers N           local: trials at a time (default: one per core)
  --ray-address ADDR    ray: join this cluster (default: ray.address, $RAY_ADDRESS, else a local Ray)
  --python PATH         ray: the Python with Ray (default: ray.python, $POLYTASK_PYTHON, .venv)
  -h, --help            this help

Sweep file: { "train": "train.json", "space": { "fit.lr": [0.01, 0.001] }, "search": "grid",
  "out": "sweeps/name", "retries": 1, "checkpointEvery": 1, "workers": 2,
  "resources": { "cpus": 1, "gpus": 0 } }  (README, "When one machine is not enough").
`;
}

const FLAGS = {
  engine: { type: "string" },
  workers: { type: "string" },
  "ray-address": { type: "string" },
  python: { type: "string" },
} as const;

export async function sweepCommand(args: string[]): Promise<number> {
  const usage = sweepUsage();
  if (wantsHelp(args)) {
    process.stdout.write(usage);
    return 0;
  }
  const { values: f, positionals } = parseFlags(args, FLAGS, usage);
  if (positionals.length !== 1) {
    process.stderr.write(usage);
    return 2;
  }
  if (f.engine !== undefined) engines.entry(f.engine); // an unknown engine fails before any work
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const report = await runSweep(positionals[0], {
      engine: f.engine,
      ...(f.workers !== undefined ? { workers: intFlag(f.workers, "--workers", 1) } : {}),
      rayAddress: f["ray-address"],
      python: f.python,
      validate: (config) => {
        checkConfig(config);
      },
      signal: ac.signal,
    });
    return report.failed === 0 ? 0 : 1;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
