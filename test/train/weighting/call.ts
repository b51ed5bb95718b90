/** Direct calls of a weighting instance on host values, for unit tests of the strategies. */
import * as tf from "@tensorflow/tfjs";
import type { WeightingContext, WeightingInstance } from "../../../src/train/weighting/types.js";

export function context(
  tasks: readonly string[],
  over: Partial<WeightingContext> = {},
): WeightingContext {
  return {
    step: 0,
    epoch: 0,
    tasks,
    epochLosses: [],
    random: () => 0.3,
    active: tasks.map(() => true),
    ...over,
  };
}

/** `combineGradients` on rows; resolves to the weights and the combined gradient. */
export async function gradients(
  inst: WeightingInstance,
  rows: readonly (readonly number[])[],
  losses: readonly number[],
  ctx: WeightingContext,
): Promise<{ weights: number[]; grad: number[] }> {
  if (inst.needs === "losses" || inst.needs === "representationTransform")
    throw new Error("not a combineGradients strategy");
  const g = tf.tensor2d(rows.map((r) => [...r]));
  try {
    const out = await inst.combineGradients(g, Float32Array.from(losses), ctx);
    const grad = Array.from(await out.grad.data());
    out.grad.dispose();
    return { weights: out.weights ? [...out.weights] : [], grad };
  } finally {
    g.dispose();
  }
}

/** `combineLosses` on host losses; resolves to the weights and the combined loss. */
export async function losses(
  inst: WeightingInstance,
  values: readonly number[],
  ctx: WeightingContext,
): Promise<{ weights: number[]; loss: number }> {
  if (inst.needs !== "losses") throw new Error("a gradient strategy has no combineLosses");
  const [w, l] = tf.tidy(() => {
    const out = inst.combineLosses(tf.tensor1d([...values]), ctx);
    const wt = out.weights instanceof tf.Tensor ? out.weights : tf.tensor1d([...out.weights]);
    return [wt, out.loss];
  });
  const weights = Array.from(await w.data());
  const loss = (await l.data())[0];
  w.dispose();
  l.dispose();
  return { weights, loss };
}
