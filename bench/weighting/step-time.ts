/**
 * Step time of every weighting strategy relative to EW on the same model, for K = 2, 4, 8
 * synthetic regression tasks, in full (shared-parameter) and representation-gradient modes.
 * Times the training loop's gradient computation (`computeStep`: forward, per-need backward
 * passes and the strategy's combination) on a fixed batch, so that the loop's per-step
 * bookkeeping (events, metrics, yielding) does not hide the strategies' own cost.
 * Prints one JSON line: { backend, rows: [{ strategy, mode, k, msPerStep, ratio }] }.
 * Usage: node --import tsx bench/weighting/step-time.ts [--backend wasm|cpu] [--quick]
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { model } from "../../src/api/model.js";
import type { Step } from "../../src/data/types.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { regression } from "../../src/model/heads/regression.js";
import { Network } from "../../src/model/network.js";
import { computeStep, disposeStepResult } from "../../src/train/step.js";
import { weighting } from "../../src/train/weighting/index.js";
import type { WeightingContext, WeightingStrategy } from "../../src/train/weighting/types.js";
import { Random } from "../../src/util/random.js";

const argv = process.argv;
const backend = argv.includes("--backend") ? argv[argv.indexOf("--backend") + 1] : "wasm";
const quick = argv.includes("--quick");
export const DIM = 128;
export const UNITS = [256, 256];
const BATCH = 64;
const STEPS = quick ? 8 : 20;
const WARMUP = 3;

interface Rig {
  names: string[];
  step(i: number): Promise<number>;
  dispose(): void;
}

/** A network, a fixed batch per task and a strategy instance; `step` times one computeStep. */
async function rig(k: number, s: WeightingStrategy<object>): Promise<Rig> {
  const names = Array.from({ length: k }, (_, t) => `t${t}`);
  let m = model({ input: [DIM] }).backbone(mlp({ units: UNITS })) as ReturnType<typeof model>;
  for (const t of names) m = m.head(t, regression(1)) as typeof m;
  const net = await Network.build(m.def, 1);
  const r = new Random(2);
  const step: Step = {};
  for (const t of names)
    step[t] = {
      x: tf.tensor2d(
        Float32Array.from({ length: BATCH * DIM }, () => r.normal()),
        [BATCH, DIM],
      ),
      y: tf.tensor2d(
        Float32Array.from({ length: BATCH }, () => r.normal()),
        [BATCH, 1],
      ),
      size: BATCH,
    };
  const instance = s.create(names, { seed: 1 });
  const wr = new Random(3);
  return {
    names,
    async step(i) {
      const ctx = { step: i, epoch: 0, tasks: names, epochLosses: [], random: () => wr.next() };
      const t0 = performance.now();
      const res = await computeStep({
        net,
        tasks: names,
        step,
        trainable: net.trainableParams(),
        instance,
        ctx,
        random: new Random(i),
        repDropout: 0,
      });
      await Promise.all([...res.grads.values()].map((g) => g.data()));
      const ms = performance.now() - t0;
      disposeStepResult(res);
      return ms;
    },
    dispose() {
      instance.dispose();
      for (const b of Object.values(step)) {
        b?.x.dispose();
        b?.y.dispose();
      }
      net.dispose();
    },
  };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/**
 * Steps of the strategy and of EW alternate on twin rigs, so that load drift on a shared
 * machine hits both; the ratio is the median of the per-pair ratios.
 */
async function compare(
  k: number,
  s: WeightingStrategy<object>,
): Promise<{ ms: number; ew: number; ratio: number }> {
  const a = await rig(k, s);
  const b = await rig(k, weighting.ew());
  const ms: number[] = [];
  const ew: number[] = [];
  for (let i = 0; i < WARMUP + STEPS; i++) {
    const x = await a.step(i);
    const y = await b.step(i);
    if (i >= WARMUP) {
      ms.push(x);
      ew.push(y);
    }
  }
  a.dispose();
  b.dispose();
  return { ms: median(ms), ew: median(ew), ratio: median(ms.map((x, i) => x / ew[i])) };
}

await tf.setBackend(backend);
await tf.ready();
const gradient = ["gradnorm", "pcgrad", "mgda", "cagrad", "imtl", "nash", "aligned"];
const configs: { s: WeightingStrategy<object>; mode: string }[] = [
  ...["uncertainty", "dwa", "rlw", "famo"].map((n) => ({ s: weighting.create(n), mode: "losses" })),
  ...gradient.map((n) => ({
    s: weighting.create(n, { mode: "representation" }),
    mode: "representation",
  })),
  ...gradient.map((n) => ({ s: weighting.create(n), mode: "shared" })),
];
const rows: {
  strategy: string;
  mode: string;
  k: number;
  msPerStep: number;
  ewMs: number;
  ratio: number;
}[] = [];
const start = tf.memory().numTensors;
for (const k of [2, 4, 8])
  for (const { s, mode } of configs) {
    const c = await compare(k, s);
    rows.push({ strategy: s.name, mode, k, msPerStep: c.ms, ewMs: c.ew, ratio: c.ratio });
    process.stderr.write(
      `k=${k} ${s.name} ${mode}: ${c.ms.toFixed(1)} ms vs EW ${c.ew.toFixed(1)} ms (${c.ratio.toFixed(2)}x)\n`,
    );
  }
console.log(
  JSON.stringify({
    backend,
    dim: DIM,
    units: UNITS,
    batch: BATCH,
    rows,
    leaked: tf.memory().numTensors - start,
  }),
);
