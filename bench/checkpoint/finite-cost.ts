/**
 * The step-time cost of the NaN stop's weight check (`checkFinite`: one `sum(v * 0)` reduction per
 * watched variable, read with the step's logged values) through the real `fit` loop. For each
 * backend and model, fits with `checkFinite: true` and `false` alternate (ABAB...), and the
 * median ms/step of each (after one warm-up fit) is reported with the relative cost.
 * Prints one JSON line per backend. Usage:
 *   node --import tsx bench/checkpoint/finite-cost.ts [--backend cpu|wasm|tensorflow] [--quick]
 *     [--repeats N]
 */
import { loadavg } from "node:os";
import * as pt from "../../src/index.js";
import { Network } from "../../src/model/network.js";
import { nonFiniteProbe } from "../../src/train/transaction.js";
import { Random } from "../../src/util/random.js";

const argv = process.argv;
const backend = (argv.includes("--backend") ? argv[argv.indexOf("--backend") + 1] : "wasm") as
  | "cpu"
  | "wasm"
  | "tensorflow";
const quick = argv.includes("--quick");
const REPEATS = argv.includes("--repeats")
  ? Number(argv[argv.indexOf("--repeats") + 1])
  : quick
    ? 2
    : 5;
const STEPS = quick ? 20 : 40;

function regressionSet(n: number, shape: number[], seed: number, name: string): pt.Dataset {
  const r = new Random(seed);
  const per = shape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: n * per }, () => r.normal());
  const y = Float32Array.from({ length: n }, (_, i) => x[i * per] - 0.5 * x[i * per + 1]);
  return pt.datasets.fromArrays({ x, y, inputShape: shape, labelKind: "regression", name });
}

interface Case {
  name: string;
  input: number[];
  backbone: pt.Backbone;
  batchSize: number;
  weighting: string;
}

const cases: Case[] = [
  {
    name: "mlp 128-256-256, 2 tasks, ew",
    input: [128],
    backbone: pt.backbones.mlp({ units: [256, 256] }),
    batchSize: 64,
    weighting: "ew",
  },
  {
    name: "mlp 128-256-256, 2 tasks, pcgrad",
    input: [128],
    backbone: pt.backbones.mlp({ units: [256, 256] }),
    batchSize: 64,
    weighting: "pcgrad",
  },
  {
    name: "convNet [16,32]+64 on 28x28x1, 2 tasks, ew",
    input: [28, 28, 1],
    backbone: pt.backbones.convNet({ filters: [16, 32], dense: 64 }),
    batchSize: 32,
    weighting: "ew",
  },
];

/** ms per step of one fit (the first 5 steps, warm-up, excluded). */
async function msPerStep(c: Case, checkFinite: boolean): Promise<number> {
  const n = c.batchSize * STEPS;
  const a = regressionSet(n, c.input, 1, "a");
  const b = regressionSet(n, c.input, 2, "b");
  const m = pt
    .model({ input: c.input })
    .backbone(c.backbone)
    .head("a", pt.heads.regression(1))
    .head("b", pt.heads.regression(1));
  const times: number[] = [];
  await m.fit(
    { a, b },
    {
      epochs: 1,
      batchSize: c.batchSize,
      weighting: c.weighting,
      sampler: pt.samplers.proportional({ mode: "all" }),
      checkFinite,
      listeners: [{ onStep: () => void times.push(performance.now()) }],
    },
  );
  const t = times.slice(5);
  return (t[t.length - 1] - t[0]) / (t.length - 1);
}

/** ms of the probe alone (reduction + its own read), the upper bound of what it adds to a step. */
async function probeMs(c: Case): Promise<number> {
  const m = pt
    .model({ input: c.input })
    .backbone(c.backbone)
    .head("a", pt.heads.regression(1))
    .head("b", pt.heads.regression(1));
  const net = await Network.build(m.def, 1);
  const vars = net.trainableParams().map((q) => q.variable);
  const t: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const p = nonFiniteProbe(vars);
    await p.data();
    p.dispose();
    t.push(performance.now() - t0);
  }
  net.dispose();
  return median(t.slice(10));
}

const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];

await pt.useBackend(backend);
const rows = [];
const load0 = loadavg()[0];
for (const c of cases) {
  await msPerStep(c, true); // warm-up (kernels, caches)
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    on.push(await msPerStep(c, true));
    off.push(await msPerStep(c, false));
  }
  const mOn = median(on);
  const mOff = median(off);
  rows.push({
    case: c.name,
    msPerStepCheck: +mOn.toFixed(3),
    msPerStepNoCheck: +mOff.toFixed(3),
    costPercent: +((100 * (mOn - mOff)) / mOff).toFixed(1),
    probeAloneMs: +(await probeMs(c)).toFixed(3),
    repeats: REPEATS,
  });
}
console.log(
  JSON.stringify({
    backend: pt.backendInfo().summary,
    loadavg1: [+load0.toFixed(2), +loadavg()[0].toFixed(2)],
    steps: STEPS,
    rows,
  }),
);
