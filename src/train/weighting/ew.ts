/** Equal weighting (EW): every task loss has weight 1; the baseline of every MTL comparison. */
import * as tf from "@tensorflow/tfjs";
import { defineStrategy } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export type EwArgs = Record<string, never>;

/** Equal weights: the combined loss is the sum of the task losses. */
export function ew(_args: EwArgs = {}): WeightingStrategy<EwArgs> {
  return defineStrategy("ew", "losses", {}, (tasks) => ({
    needs: "losses",
    variables: [],
    combineLosses: (losses) => ({ loss: tf.sum(losses), weights: tasks.map(() => 1) }),
    getState: () => ({}),
    setState: () => {},
    dispose: () => {},
  }));
}
