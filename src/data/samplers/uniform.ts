/**
 * Uniform sampling: every task is drawn with p_i = 1 / (number of tasks), whatever its size.
 * Epoch ("one" mode): ceil(sum of sizes / batchSize) steps, split evenly in expectation, so
 * small tasks cycle (reshuffled each pass) and large tasks may not finish a pass.
 */
import type { TaskSampler } from "../types.js";
import { type SamplerArgs, normalise, samplerOptions, samplerSchema } from "./common.js";

export function uniform(args: SamplerArgs = {}): TaskSampler {
  const { mode } = samplerOptions("uniform", samplerSchema, args);
  return {
    name: "uniform",
    mode,
    options: { mode },
    probabilities: (sizes) => normalise("uniform", sizes, () => 1),
  };
}
