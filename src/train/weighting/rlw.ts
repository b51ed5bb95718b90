/**
 * RLW (Random Loss Weighting): Lin et al., "Reasonable Effectiveness of Random Weighting: A
 * Litmus Test for Multi-Task Learning", TMLR 2022 (arXiv 2021). Every step draws fresh weights
 * `softmax(z)`, `z ~ N(0, I)`, from the loop's seeded generator; they sum to 1.
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "../../util/schema.js";
import { defineStrategy, options } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export type RlwArgs = Record<string, never>;

export const rlwSchema = z.strictObject({});

/** A standard normal draw from uniform draws (Box-Muller). */
export function normalDraw(random: () => number): number {
  let u = random();
  while (u <= 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** `softmax(z)`, `z ~ N(0, I)` of size n. */
export function rlwWeights(n: number, random: () => number): number[] {
  const z = Array.from({ length: n }, () => normalDraw(random));
  const max = Math.max(...z);
  const ex = z.map((x) => Math.exp(x - max));
  const sum = ex.reduce((s, x) => s + x, 0);
  return ex.map((x) => x / sum);
}

export function rlw(args: RlwArgs = {}): WeightingStrategy<RlwArgs> {
  options("rlw", rlwSchema, args);
  return defineStrategy("rlw", "losses", {}, (tasks) => ({
    needs: "losses",
    variables: [],
    combineLosses: (losses, ctx) => {
      const weights = rlwWeights(tasks.length, ctx.random);
      return { loss: tf.tidy(() => tf.sum(tf.mul(losses, tf.tensor1d(weights)))), weights };
    },
    getState: () => ({}),
    setState: () => {},
    dispose: () => {},
  }));
}
