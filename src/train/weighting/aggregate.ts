/**
 * `weighting.aggregate(name, grads, opts?)`: a gradient method as a pure function of K task
 * gradients (like TorchJD's aggregators), for tests, notebooks and outside checks. A fresh
 * instance of the named strategy (its options in `opts`) sees the K rows as one step's task
 * gradients; the answer is its task weights (`null` when the update is not a weighted sum of the
 * task gradients: GradDrop, MoCo, DB-MTL) and the update direction before the learning rate.
 * Gram-based methods run their float64 solvers on the float64 rows; MoCo, DB-MTL and ExcessMTL
 * run their element-wise step on TensorFlow.js (float32). Non-finite input is a `DataError`.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, DataError } from "../../errors.js";
import { Random } from "../../util/random.js";
import { graddropCombine, leakFor } from "./graddrop.js";
import type { RowsInstance } from "./gradients.js";
import { checkRows } from "./min-norm.js";
import { createWeighting } from "./registry.js";
import { HostRows } from "./rows.js";
import type { GradientWeightingInstance, WeightingContext } from "./types.js";

export interface AggregateOptions {
  /** The K task losses (MGDA's loss normalisations, GradNorm, MoCo, DB-MTL). Defaults to 1s. */
  losses?: readonly number[];
  /** Seed of stochastic methods (PCGrad's order, GradVac, GradDrop). Defaults to 0. */
  seed?: number;
  /** MoDo, SDMGrad: the gradients of the 2 further independent batches, each K x P. Without
   * them the three batches coincide. */
  samples?: readonly (readonly (readonly number[])[])[];
  /** The strategy's own options. */
  [option: string]: unknown;
}

export interface Aggregation {
  readonly weights: number[] | null;
  readonly direction: number[];
}

function finite(where: string, v: readonly number[]): void {
  v.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x))
      throw new DataError(`${where}: entry ${i} is ${x}; expected a finite number.`, {
        field: where,
        index: i,
        value: x,
        expected: "a finite number",
      });
  });
}

/** The derivative of the strategy's loss transform at each loss (1s without a transform). */
async function transformScale(
  inst: GradientWeightingInstance,
  losses: readonly number[],
  ctx: WeightingContext,
): Promise<number[]> {
  const tr = inst.transformLoss;
  if (!tr) return losses.map(() => 1);
  const d = tf.tidy(() =>
    tf.stack(
      losses.map((l, i) => tf.grad((x: tf.Tensor) => tr(x as tf.Scalar, i, ctx))(tf.scalar(l))),
    ),
  );
  const v = Array.from(await d.data());
  d.dispose();
  return v;
}

const scaleRows = (rows: readonly (readonly number[])[], d: readonly number[]) =>
  rows.map((r, i) => r.map((x) => x * d[i]));

export async function aggregate(
  name: string,
  grads: readonly (readonly number[])[],
  opts: AggregateOptions = {},
): Promise<Aggregation> {
  checkRows("weighting.aggregate", grads);
  if (opts === null || typeof opts !== "object")
    throw new ConfigError(`weighting.aggregate: opts is ${opts}; expected an object.`, {
      field: "opts",
      value: opts,
      expected: "an options object",
    });
  const { losses, seed, samples, ...options } = opts;
  const k = grads.length;
  const l = losses ? [...losses] : new Array<number>(k).fill(1);
  if (l.length !== k)
    throw new ConfigError(`weighting.aggregate: got ${l.length} losses for ${k} gradients.`, {
      field: "losses",
      value: l.length,
      expected: `${k} losses`,
    });
  finite("losses", l);
  for (const s of samples ?? []) {
    checkRows("weighting.aggregate (samples)", s);
    if (s.length !== k || s[0].length !== grads[0].length)
      throw new ConfigError("weighting.aggregate: every sample must be K x P like grads.", {
        field: "samples",
        value: [s.length, s[0]?.length],
        expected: `${k} x ${grads[0].length}`,
      });
  }
  const strategy = createWeighting(name, options);
  if (strategy.needs === "losses")
    throw new ConfigError(
      `weighting.aggregate: "${name}" weighs losses, not gradients; aggregate takes gradient methods.`,
      { field: "name", value: name, expected: "a gradient-based strategy" },
    );
  const tasks = grads.map((_, i) => `task${i}`);
  const random = new Random(seed ?? 0);
  const ctx: WeightingContext = {
    step: 0,
    epoch: 0,
    tasks,
    epochLosses: [],
    random: () => random.next(),
    active: tasks.map(() => true),
  };
  const inst = strategy.create(tasks, { seed: seed ?? 0 });
  try {
    if (inst.needs === "representationTransform") {
      const u = Array.from({ length: grads[0].length }, () => ctx.random());
      const leak = leakFor((options as { leak?: number | number[] }).leak, tasks);
      return { weights: null, direction: graddropCombine(grads, u, leak) };
    }
    if (inst.needs === "losses") throw new Error("internal: a loss strategy in aggregate");
    const d = await transformScale(inst, l, ctx);
    if ("solveRows" in inst) {
      const ri = inst as RowsInstance;
      const rows = new HostRows(scaleRows(grads, d));
      const s = await ri.solveRows(
        rows,
        Float32Array.from(l),
        ctx,
        (samples ?? []).map((x) => new HostRows(scaleRows(x, d))),
      );
      const w = [...s.w];
      return { weights: w, direction: rows.combine(w) };
    }
    const g = tf.tensor2d(scaleRows(grads, d));
    const extra = (samples ?? []).map((s) => tf.tensor2d(scaleRows(s, d)));
    try {
      const c = await inst.combineGradients(g, Float32Array.from(l), ctx, { samples: extra });
      const direction = Array.from(await c.grad.data());
      c.grad.dispose();
      return { weights: c.weights ? [...c.weights] : null, direction };
    } finally {
      g.dispose();
      for (const e of extra) e.dispose();
    }
  } finally {
    inst.dispose();
  }
}
