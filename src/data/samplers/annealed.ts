/**
 * Annealed sampling: temperature sampling whose temperature moves over training, a
 * time-dependent sampler as in jiant and the annealed sampling of Stickland & Murray (2019,
 * "BERT and PALs"): p_i proportional to n_i^(1/T(progress)), with
 * T(progress) = from + (to - from) * progress (progress = fraction of training done, in [0, 1]).
 * The default moves from 1 (proportional) to 5 (close to uniform), i.e. the PALs exponent
 * 1 -> 0.2. A custom `schedule(progress) -> T` replaces the linear one.
 * Epoch ("one" mode): ceil(sum of sizes / batchSize) steps; the loader passes the progress of
 * each step, so the mix changes within an epoch too.
 */
import { ConfigError } from "../../errors.js";
import { custom, num } from "../../util/schema.js";
import type { TaskSampler } from "../types.js";
import {
  type SamplerArgs,
  checkProgress,
  normalise,
  samplerOptions,
  samplerSchema,
} from "./common.js";

export interface AnnealedArgs extends SamplerArgs {
  /** Temperature at the start of training. Defaults to 1. */
  from?: number;
  /** Temperature at the end of training. Defaults to 5. */
  to?: number;
  /** Custom temperature schedule; overrides `from`/`to`. */
  schedule?: (progress: number) => number;
}

export const annealedSchema = samplerSchema.extend({
  from: num.positive().optional(),
  to: num.positive().optional(),
  schedule: custom<(progress: number) => number>(
    "a function progress -> temperature",
    (v) => typeof v === "function",
  ).optional(),
});

export function annealed(args: AnnealedArgs = {}): TaskSampler {
  const o = samplerOptions("annealed", annealedSchema, args);
  const { from = 1, to = 5, mode } = o;
  const schedule = o.schedule ?? ((p: number) => from + (to - from) * p);
  return {
    name: "annealed",
    mode,
    options: { from, to, mode, ...(args.schedule ? { schedule: "custom" } : {}) },
    probabilities(sizes, progress) {
      const p = checkProgress("annealed", progress);
      const T = schedule(p);
      if (!(T > 0) || !Number.isFinite(T))
        throw new ConfigError(`Sampler "annealed": schedule(${p}) gave temperature ${T}.`, {
          field: "schedule",
          value: T,
          expected: "a finite temperature > 0",
        });
      return normalise("annealed", sizes, (n) => n ** (1 / T));
    },
  };
}
