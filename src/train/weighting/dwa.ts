/**
 * DWA (Dynamic Weight Average): Liu, Johns & Davison, "End-to-End Multi-Task Learning with
 * Attention", CVPR 2019. Weights follow each task's rate of loss change over the last two
 * epochs: `w_i = T softmax_i(r_i / temperature)`, `r_i = L_i(e-1) / L_i(e-2)`; 1 before that.
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "../../util/schema.js";
import { defineStrategy, options } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export interface DwaArgs {
  /** Softmax temperature. Defaults to `2` (the paper's setting). */
  temperature?: number;
}

export const dwaSchema = z.strictObject({ temperature: z.number().gt(0).optional() });

/** DWA weights from the per-epoch mean losses (oldest first). */
export function dwaWeights(
  epochLosses: readonly (readonly number[])[],
  taskCount: number,
  temperature: number,
): number[] {
  const e = epochLosses.length;
  if (e < 2) return new Array<number>(taskCount).fill(1);
  const last = epochLosses[e - 1];
  const prev = epochLosses[e - 2];
  // A task missing from an epoch (NaN mean loss) keeps the neutral ratio 1.
  const r = last.map((l, i) => {
    const ratio = l / prev[i];
    return (Number.isFinite(ratio) && prev[i] > 0 ? ratio : 1) / temperature;
  });
  const max = Math.max(...r);
  const ex = r.map((x) => Math.exp(x - max));
  const sum = ex.reduce((s, x) => s + x, 0);
  return ex.map((x) => (taskCount * x) / sum);
}

export function dwa(args: DwaArgs = {}): WeightingStrategy<DwaArgs> {
  const o = options("dwa", dwaSchema, args);
  const temperature = o.temperature ?? 2;
  return defineStrategy("dwa", "losses", o, (tasks) => ({
    needs: "losses",
    variables: [],
    combineLosses: (losses, ctx) => {
      const weights = dwaWeights(ctx.epochLosses, tasks.length, temperature);
      return { loss: tf.tidy(() => tf.sum(tf.mul(losses, tf.tensor1d(weights)))), weights };
    },
    getState: () => ({}),
    setState: () => {},
    dispose: () => {},
  }));
}
