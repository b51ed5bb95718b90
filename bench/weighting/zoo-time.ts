/**
 * Step time of the new and re-solved weighting strategies relative to EW through the public
 * `model.fit`, for K = 2, 8, 32 regression tasks that share one input array (each task its own
 * Dataset over the same x; the task groups of core v2 part 2 are not merged yet, so every task
 * still gets its own shuffled batch and backbone pass). Model: input 64 -> mlp [128, 128] -> K
 * regression heads; 512 samples, batch 64, every task in every step (sampler mode "all"), Adam.
 * A step's time is the interval between consecutive `onStep` events within an epoch (the whole
 * loop: forward, the backward passes the strategy needs, its solver, the update, the read);
 * first quartile over the timed steps (load spikes on a shared machine only lengthen steps). EW
 * and the strategy alternate run by run (`--pairs`, 4), the ratio is the median of the pairs'
 * ratios. MoDo and SDMGrad draw 3 batches per step.
 * Prints one JSON line. Usage: node --import tsx bench/weighting/zoo-time.ts [--backend wasm|cpu]
 *   [--ks 2,8,32] [--epochs 3]
 */
import { loadavg } from "node:os";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { model } from "../../src/api/model.js";
import { fromArrays } from "../../src/data/from-arrays.js";
import { proportional } from "../../src/data/samplers/proportional.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { regression } from "../../src/model/heads/regression.js";
import { weighting } from "../../src/train/weighting/index.js";
import type { WeightingStrategy } from "../../src/train/weighting/types.js";
import { Random } from "../../src/util/random.js";

const argv = process.argv;
const arg = (k: string, d: string) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : d);
const backend = arg("--backend", "wasm");
const ks = arg("--ks", "2,8,32").split(",").map(Number);
const epochs = Number(arg("--epochs", "3"));
const N = 512;
const DIM = 64;
const BATCH = 64;
const UNITS = [128, 128];
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
/** The first quartile: the machine is shared, and load spikes only ever lengthen a step. */
const quartile = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 4)];
const pairs = Number(arg("--pairs", "4"));

function data(k: number) {
  const r = new Random(5);
  const x = Float32Array.from({ length: N * DIM }, () => r.normal());
  const out: Record<string, ReturnType<typeof fromArrays>> = {};
  for (let t = 0; t < k; t++) {
    const u = Array.from({ length: DIM }, () => r.normal());
    const y = Float32Array.from({ length: N }, (_, i) => {
      let s = 0;
      for (let d = 0; d < DIM; d++) s += x[i * DIM + d] * u[d];
      return s * (1 + t);
    });
    out[`t${t}`] = fromArrays({ x, y, inputShape: [DIM], labelKind: "regression", labelSize: 1 });
  }
  return out;
}

async function stepMs(k: number, s: WeightingStrategy<object>, d: ReturnType<typeof data>) {
  let m = model({ input: [DIM] }).backbone(mlp({ units: UNITS })) as ReturnType<typeof model>;
  for (const t of Object.keys(d)) m = m.head(t, regression(1)) as typeof m;
  const times: number[] = [];
  let last: { epoch: number; t: number } | undefined;
  await m.fit(d as never, {
    epochs,
    batchSize: BATCH,
    seed: 1,
    weighting: s,
    optimizer: "adam",
    lr: 1e-3,
    sampler: proportional({ mode: "all" }),
    listeners: [
      {
        onStep: (e) => {
          const now = performance.now();
          if (last && last.epoch === e.epoch && e.step >= 2) times.push(now - last.t);
          last = { epoch: e.epoch, t: now };
        },
      },
    ],
  });
  return quartile(times);
}

const load0 = loadavg()[0];
await tf.setBackend(backend);
await tf.ready();
const names = [
  "mgda",
  "cagrad",
  "nash",
  "imtl",
  "upgrad",
  "gradvac",
  "fairgrad",
  "moco",
  "dbmtl",
  "excessmtl",
  "modo",
  "sdmgrad",
  "graddrop",
  "stch",
  "gls",
];
const rows: {
  strategy: string;
  needs: string;
  k: number;
  ms: number;
  ewMs: number;
  ratio: number;
}[] = [];
const start = tf.memory().numTensors;
for (const k of ks) {
  const d = data(k);
  for (const n of names) {
    const s = weighting.create(n);
    const ratios: number[] = [];
    const ms: number[] = [];
    const ew: number[] = [];
    for (let rep = 0; rep < pairs; rep++) {
      const e = await stepMs(k, weighting.ew(), d);
      const x = await stepMs(k, s, d);
      ew.push(e);
      ms.push(x);
      ratios.push(x / e);
    }
    const row = {
      strategy: n,
      needs: s.needs,
      k,
      ms: median(ms),
      ewMs: median(ew),
      ratio: median(ratios),
    };
    rows.push(row);
    process.stderr.write(
      `k=${k} ${n}: ${row.ms.toFixed(1)} ms vs EW ${row.ewMs.toFixed(1)} ms (${row.ratio.toFixed(2)}x)\n`,
    );
  }
}
console.log(
  JSON.stringify({
    backend,
    n: N,
    dim: DIM,
    units: UNITS,
    batch: BATCH,
    epochs,
    pairs,
    load: [load0, loadavg()[0]],
    rows,
    leaked: tf.memory().numTensors - start,
  }),
);
