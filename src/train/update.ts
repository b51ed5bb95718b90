/** Applies a step's gradients: regularisation, clipping, the optimizer; then post-step hooks. */
import * as tf from "@tensorflow/tfjs";
import type { Step } from "../data/types.js";
import type { Network } from "../model/network.js";
import type { Param } from "../model/params.js";
import { Random, type RandomState } from "../util/random.js";
import { clipGradients } from "./clip.js";
import { type TaskOutput, forwardLosses } from "./forward.js";
import type { OptimizerInstance } from "./optimizers/types.js";
import type { Regularizer } from "./regularize.js";
import type { StepResult } from "./step.js";
import type { WeightingContext, WeightingInstance } from "./weighting/types.js";

export function applyUpdate(a: {
  res: StepResult;
  trainable: readonly Param[];
  instance: WeightingInstance;
  reg: Regularizer;
  optimizer: OptimizerInstance;
  lr: number;
  clipNorm?: number;
  clipValue?: number;
}): void {
  const vars = [...a.res.grads.keys()];
  const byVar = new Map(a.trainable.map((p) => [p.variable, p]));
  const grads = vars.map((v) => {
    const p = byVar.get(v);
    const g = a.res.grads.get(v) as tf.Tensor;
    return p && a.reg.active ? a.reg.add(p, g) : g.clone();
  });
  const clipped = clipGradients(grads, a.clipNorm, a.clipValue);
  // strategy variables get stable slot names (their tf names differ between processes)
  const names = vars.map(
    (v) => byVar.get(v)?.name ?? `weighting/${a.instance.variables.indexOf(v)}`,
  );
  a.optimizer.apply(names, vars, clipped, a.lr);
  for (const g of new Set([...grads, ...clipped])) g.dispose();
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
