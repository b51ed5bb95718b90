/** Applies a step's gradients: regularisation, clipping, the optimizer; then post-step hooks. */
import * as tf from "@tensorflow/tfjs";
import type { Step } from "../data/types.js";
import type { Network } from "../model/network.js";
import type { Param } from "../model/params.js";
import { Random, type RandomState } from "../util/random.js";
import { clipGradients } from "./clip.js";
import { type TaskOutput, forwardLosses } from "./forward.js";
import type { GradientAccumulator } from "./grad-accumulator.js";
import type { LrMultipliers } from "./optimizers/multipliers.js";
import type { OptimizerInstance } from "./optimizers/types.js";
import type { Regularizer } from "./regularize.js";
import type { WeightingContext, WeightingInstance } from "./weighting/types.js";

export interface UpdateArgs {
  /** Gradients by variable (model parameters and strategy variables); not disposed here. */
  grads: Map<tf.Variable, tf.Tensor>;
  trainable: readonly Param[];
  instance: WeightingInstance;
  reg: Regularizer;
  optimizer: OptimizerInstance;
  lr: number;
  /** The loop's step (for per-part multipliers' delays and warm-ups). */
  step: number;
  multipliers?: LrMultipliers;
  clipNorm?: number;
  clipValue?: number;
}

/** Stable names: parameters by name, strategy variables by index (their tf names vary). */
function namesOf(a: UpdateArgs, vars: readonly tf.Variable[]): string[] {
  const byVar = new Map(a.trainable.map((p) => [p.variable, p]));
  return vars.map((v) => byVar.get(v)?.name ?? `weighting/${a.instance.variables.indexOf(v)}`);
}

export function applyUpdate(a: UpdateArgs): void {
  const vars = [...a.grads.keys()];
  const byVar = new Map(a.trainable.map((p) => [p.variable, p]));
  const grads = vars.map((v) => {
    const p = byVar.get(v);
    const g = a.grads.get(v) as tf.Tensor;
    return p && a.reg.active ? a.reg.add(p, g) : g.clone();
  });
  const clipped = clipGradients(grads, a.clipNorm, a.clipValue);
  const names = namesOf(a, vars);
  a.optimizer.apply(names, vars, clipped, a.lr, a.multipliers?.scales(names, a.step));
  for (const g of new Set([...grads, ...clipped])) g.dispose();
}

/**
 * One step's gradients to the optimizer: applied now, or (with an accumulator) summed into the
 * open window and applied as its mean when the window closes (src/train/grad-accumulator.ts).
 * Returns whether the weights changed.
 */
export function updateOrAccumulate(
  a: UpdateArgs & { accumulator?: GradientAccumulator; endOfEpoch: boolean },
): boolean {
  const acc = a.accumulator;
  if (!acc) {
    if (a.grads.size === 0) return false;
    applyUpdate(a);
    return true;
  }
  if (a.grads.size > 0) {
    const vars = [...a.grads.keys()];
    acc.add(
      namesOf(a, vars),
      vars.map((v) => a.grads.get(v) as tf.Tensor),
    );
  }
  if (!acc.due(a.endOfEpoch)) return false;
  const mean = acc.take();
  try {
    applyUpdate({ ...a, grads: mean });
  } finally {
    for (const g of mean.values()) g.dispose();
  }
  return true;
}

/**
 * For strategies such as FAMO: each task's loss on the step's batch after the update, in train
 * mode with the step's own dropout masks (the RNG state it started from), without touching
 * batch-norm statistics; one backbone pass per task group and one read.
 */
export async function observeAfterStep(
  net: Network,
  tasks: readonly string[],
  step: Step,
  instance: WeightingInstance,
  before: Float32Array,
  dropoutState: RandomState,
  repDropout: number,
  ctx: WeightingContext,
): Promise<void> {
  if (instance.needs !== "losses" || !instance.observeLossesAfterStep) return;
  const fwd = { training: true, random: new Random(dropoutState), updateStats: false };
  const outputs: Record<string, TaskOutput> = {};
  const after = tf.tidy(
    () =>
      forwardLosses({
        net,
        tasks,
        step,
        present: ctx.active,
        ctx: fwd,
        dropout: repDropout,
        outputs,
      }).stacked,
  );
  for (const o of Object.values(outputs)) o.pred.dispose();
  const values = (await after.data()) as Float32Array;
  after.dispose();
  instance.observeLossesAfterStep(before, values, ctx);
}
