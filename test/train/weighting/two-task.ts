/**
 * A tiny two-task problem fit through polytask's real training loop (`model.fit`: the loader,
 * `computeStep` with the strategy's own step function, `applyUpdate`, the one read per step),
 * full-batch with Adam: a shared ReLU layer and one linear regression head per task. The
 * harness records each step's losses and weights from the step events.
 */
import * as tf from "@tensorflow/tfjs";
import { model } from "../../../src/api/model.js";
import { fromArrays } from "../../../src/data/from-arrays.js";
import { proportional } from "../../../src/data/samplers/proportional.js";
import { mlp } from "../../../src/model/backbones/mlp.js";
import { regression } from "../../../src/model/heads/regression.js";
import type { WeightingStrategy } from "../../../src/train/weighting/types.js";
import { Random } from "../../../src/util/random.js";

export interface FitResult {
  /** Per-step task losses (of the step's batch, before its update). */
  losses: number[][];
  /** Per-step weights. */
  weights: number[][];
  /** numTensors after the 5th and the last step. */
  tensorsEarly: number;
  tensorsLate: number;
  /** The instance's state at the end (JSON). */
  state: unknown;
  reason?: string;
  message?: string;
  /** The trained model's evaluation on the data (JSON), to compare end weights. */
  final?: unknown;
}

export const TASKS = ["a", "b"] as const;

function data(seed: number) {
  const r = new Random(seed);
  const n = 32;
  const d = 4;
  const x = Float32Array.from({ length: n * d }, () => r.normal());
  const ua = [1, -2, 0.5, 0];
  const ub = [0.5, 1, -1, 2];
  const ya = new Float32Array(n);
  const yb = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sa = 0;
    let sb = 0;
    for (let k = 0; k < d; k++) {
      sa += x[i * d + k] * ua[k];
      sb += x[i * d + k] * ub[k];
    }
    ya[i] = sa;
    yb[i] = 3 * sb + 1; // a different scale, so weighting matters
  }
  // one input labelled for both tasks: a task group (representation-level methods need one)
  const group = fromArrays({
    x,
    y: { a: ya, b: yb },
    inputShape: [d],
    labelKind: { a: "regression", b: "regression" },
    labelSize: { a: 1, b: 1 },
    name: "two",
  });
  return { ...group, n };
}

const net = model({ input: [4] })
  .backbone(mlp({ units: [8] }))
  .head("a", regression(1))
  .head("b", regression(1));

/** Fits `steps` full-batch Adam steps (one step an epoch) through `model.fit`. */
export async function fitTwoTasks(
  strategy: WeightingStrategy<object>,
  opts: { seed: number; steps: number },
): Promise<FitResult> {
  const { a, b, n } = data(1);
  const out: FitResult = { losses: [], weights: [], tensorsEarly: 0, tensorsLate: 0, state: null };
  const run = await net.fit(
    { a, b },
    {
      epochs: opts.steps,
      batchSize: n,
      seed: opts.seed,
      weighting: strategy,
      optimizer: "adam",
      lr: 0.05,
      // every step holds both tasks' full batch, whatever the strategy needs
      sampler: proportional({ mode: "all" }),
      listeners: [
        {
          onStep: (e) => {
            out.losses.push(TASKS.map((t) => e.losses[t]));
            out.weights.push(TASKS.map((t) => e.weights[t]));
            if (e.step === 4) out.tensorsEarly = tf.memory().numTensors;
            out.tensorsLate = tf.memory().numTensors;
          },
        },
      ],
    },
  );
  out.state = JSON.parse(JSON.stringify(run.state.weighting ?? null));
  out.reason = run.reason;
  out.message = run.message;
  out.final = JSON.parse(JSON.stringify(await run.evaluate({ a, b })));
  return out;
}
