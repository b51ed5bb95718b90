/** Equal weighting (EW): every task loss has weight 1; the baseline of every MTL comparison. */
import * as tf from "@tensorflow/tfjs";
import { z } from "../../util/schema.js";
import { defineStrategy, options } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export type EwArgs = Record<string, never>;

export const ewSchema = z.strictObject({});

/** Equal weights: the combined loss is the sum of the task losses. */
export function ew(args: EwArgs = {}): WeightingStrategy<EwArgs> {
  options("ew", ewSchema, args);
  return defineStrategy("ew", "losses", {}, (tasks) => ({
    needs: "losses",
    variables: [],
    combineLosses: (losses) => ({ loss: tf.sum(losses), weights: tasks.map(() => 1) }),
    getState: () => ({}),
    setState: () => {},
    dispose: () => {},
  }));
}
