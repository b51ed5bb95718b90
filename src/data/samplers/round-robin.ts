/**
 * Round-robin: tasks take turns in a fixed order (the order of the loader's task record),
 * one batch each, with no randomness in the choice of task. `probabilities` reports the
 * share of steps, 1 / (number of tasks).
 * Epoch ("one" mode): ceil(sum of sizes / batchSize) steps, split evenly; small tasks cycle
 * (reshuffled each pass). The turn order continues across epochs (global step counter).
 */
import type { TaskSampler } from "../types.js";
import { type SamplerArgs, normalise, samplerOptions, samplerSchema } from "./common.js";

export function roundRobin(args: SamplerArgs = {}): TaskSampler {
  const { mode } = samplerOptions("roundRobin", samplerSchema, args);
  return {
    name: "roundRobin",
    mode,
    options: { mode },
    probabilities: (sizes) => normalise("roundRobin", sizes, () => 1),
    pick: (step, tasks) => tasks[step % tasks.length],
  };
}
