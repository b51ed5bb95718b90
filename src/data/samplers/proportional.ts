/**
 * Proportional (examples-proportional) sampling: p_i = n_i / sum_j n_j.
 * Epoch ("one" mode): ceil(sum of sizes / batchSize) steps, so each task is drawn about
 * ceil(n_i / batchSize) times per epoch: in expectation, one pass over every task's data.
 */
import type { TaskSampler } from "../types.js";
import { type SamplerArgs, normalise, samplerOptions, samplerSchema } from "./common.js";

export function proportional(args: SamplerArgs = {}): TaskSampler {
  const { mode } = samplerOptions("proportional", samplerSchema, args);
  return {
    name: "proportional",
    mode,
    options: { mode },
    probabilities: (sizes) => normalise("proportional", sizes, (n) => n),
  };
}
