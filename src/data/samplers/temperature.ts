import { num } from "../../util/schema.js";
/**
 * Temperature sampling (Arivazhagan et al. 2019, "Massively Multilingual NMT"):
 * p_i proportional to n_i^(1/T). T = 1 is proportional, T -> infinity tends to uniform; T > 1
 * up-samples small tasks.
 * Epoch ("one" mode): ceil(sum of sizes / batchSize) steps; small tasks then see more than one
 * pass per epoch and large tasks less than one.
 */
import type { TaskSampler } from "../types.js";
import { type SamplerArgs, normalise, samplerOptions, samplerSchema } from "./common.js";

export const temperatureSchema = samplerSchema.extend({ T: num.positive().optional() });

export function temperature(T = 2, args: SamplerArgs = {}): TaskSampler {
  const { T: t = 2, mode } = samplerOptions("temperature", temperatureSchema, { ...args, T });
  return {
    name: "temperature",
    mode,
    options: { T: t, mode },
    probabilities: (sizes) => normalise("temperature", sizes, (n) => n ** (1 / t)),
  };
}
