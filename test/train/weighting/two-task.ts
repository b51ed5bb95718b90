/**
 * A tiny self-contained two-task problem that drives a `WeightingInstance` directly, the way the
 * training loop does for each `needs`: a shared tanh layer and one linear head per task, fit
 * full-batch with Adam. Used by the strategy harness.
 */
import * as tf from "@tensorflow/tfjs";
import type { WeightingContext, WeightingStrategy } from "../../../src/train/weighting/types.js";
import { Random } from "../../../src/util/random.js";

export interface FitResult {
  /** Per-step task losses (before the step). */
  losses: number[][];
  /** Per-step weights. */
  weights: number[][];
  /** numTensors after the 5th and the last step. */
  tensorsEarly: number;
  tensorsLate: number;
  /** The instance's state at the end (JSON). */
  state: unknown;
}

export const TASKS = ["a", "b"] as const;

function apply(optimizer: tf.Optimizer, grads: tf.NamedTensorMap): void {
  optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
}

function data(seed: number): { x: tf.Tensor2D; y: tf.Tensor2D[] } {
  const r = new Random(seed);
  const n = 32;
  const d = 4;
  const xs = Array.from({ length: n * d }, () => r.normal());
  const ua = [1, -2, 0.5, 0];
  const ub = [0.5, 1, -1, 2];
  const ya: number[] = [];
  const yb: number[] = [];
  for (let i = 0; i < n; i++) {
    let sa = 0;
    let sb = 0;
    for (let k = 0; k < d; k++) {
      sa += xs[i * d + k] * ua[k];
      sb += xs[i * d + k] * ub[k];
    }
    ya.push(sa);
    yb.push(3 * sb + 1); // a different scale, so weighting matters
  }
  return {
    x: tf.tensor2d(xs, [n, d]),
    y: [tf.tensor2d(ya, [n, 1]), tf.tensor2d(yb, [n, 1])],
  };
}

/**
 * Fits `steps` full-batch Adam steps; every `stepsPerEpoch` steps an "epoch" ends and its mean
 * losses join `epochLosses`.
 */
export function fitTwoTasks(
  strategy: WeightingStrategy<object>,
  opts: { seed: number; steps: number; stepsPerEpoch?: number },
): FitResult {
  const tasks = [...TASKS];
  const { x, y } = data(1);
  const r = new Random(opts.seed);
  const init = (shape: [number, number]) =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor2d(
          Array.from({ length: shape[0] * shape[1] }, () => 0.5 * r.normal()),
          shape,
        ),
      ),
    );
  const shared = init([4, 8]);
  const heads = [init([8, 1]), init([8, 1])];
  const instance = strategy.create(tasks, { seed: opts.seed });
  const optimizer = tf.train.adam(0.05);
  const ctxRandom = new Random(opts.seed + 1000);
  const epochLosses: number[][] = [];
  const spe = opts.stepsPerEpoch ?? 10;
  let epochSum = [0, 0];
  const out: FitResult = { losses: [], weights: [], tensorsEarly: 0, tensorsLate: 0, state: null };

  const rep = () => tf.tanh(tf.matMul(x, shared));
  const taskLoss = (h: tf.Tensor, t: number): tf.Scalar =>
    tf.losses.meanSquaredError(y[t], tf.matMul(h, heads[t])) as tf.Scalar;
  const allLosses = (): tf.Tensor1D => {
    const h = rep();
    return tf.stack([taskLoss(h, 0), taskLoss(h, 1)]) as tf.Tensor1D;
  };
  const lossValues = () => tf.tidy(() => allLosses().dataSync() as Float32Array);

  for (let step = 0; step < opts.steps; step++) {
    const ctx: WeightingContext = {
      step,
      epoch: Math.floor(step / spe),
      tasks,
      epochLosses: epochLosses.map((e) => e.slice()),
      random: () => ctxRandom.next(),
    };
    const before = Array.from(lossValues());
    out.losses.push(before);
    epochSum = epochSum.map((s, i) => s + before[i]);
    let weights: number[] = [];
    tf.tidy(() => {
      const vars = [shared, ...heads, ...instance.variables];
      if (strategy.needs === "losses") {
        const { value, grads } = tf.variableGrads(() => {
          const c = instance.combineLosses!(allLosses(), ctx);
          weights = c.weights;
          return c.loss;
        }, vars);
        value.dispose();
        apply(optimizer, grads);
        return;
      }
      const losses = new Float32Array(before);
      if (strategy.needs === "sharedGradients") {
        const rows: tf.Tensor1D[] = [];
        const headGrads: tf.Tensor[] = [];
        for (let t = 0; t < 2; t++) {
          const { grads } = tf.variableGrads(() => taskLoss(rep(), t), [shared, heads[t]]);
          rows.push(grads[shared.name].flatten() as tf.Tensor1D);
          headGrads.push(grads[heads[t].name]);
        }
        const c = instance.combineGradients!(tf.stack(rows) as tf.Tensor2D, losses, ctx);
        weights = c.weights;
        apply(optimizer, {
          [shared.name]: c.grad.reshape(shared.shape),
          [heads[0].name]: headGrads[0],
          [heads[1].name]: headGrads[1],
        });
        return;
      }
      // representationGradients
      const h = rep();
      const rows = [0, 1].map((t) =>
        tf
          .grad((z: tf.Tensor) => taskLoss(z, t))(h)
          .flatten(),
      );
      const c = instance.combineGradients!(tf.stack(rows) as tf.Tensor2D, losses, ctx);
      weights = c.weights;
      const w = c.weights;
      const { value, grads } = tf.variableGrads(() => {
        const l = allLosses();
        return tf.sum(tf.mul(l, tf.tensor1d(w)));
      }, [shared, ...heads]);
      value.dispose();
      apply(optimizer, grads);
    });
    out.weights.push(weights);
    instance.observeLossesAfterStep?.(lossValues(), ctx);
    if ((step + 1) % spe === 0) {
      epochLosses.push(epochSum.map((s) => s / spe));
      epochSum = [0, 0];
    }
    if (step === 4) out.tensorsEarly = tf.memory().numTensors;
  }
  out.tensorsLate = tf.memory().numTensors;
  out.state = JSON.parse(JSON.stringify(instance.getState()));
  instance.dispose();
  optimizer.dispose();
  x.dispose();
  y.forEach((t) => t.dispose());
  shared.dispose();
  heads.forEach((v) => v.dispose());
  return out;
}
