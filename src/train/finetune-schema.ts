/**
 * Schemas of the fine-tuning fit options: `lrMultipliers` (discriminative learning rates per
 * part or name pattern, each with an optional delay and linear warm-up) and `accumulate`
 * (gradient accumulation). `finetuneOptionsShape` is the fragment fit-schema.ts merges into
 * the fit options schema.
 */
import { num, z } from "../util/schema.js";

/** A multiplier of the learning rate, or one with a schedule of its own. */
export const lrMultiplierSchema = z.union([
  num.nonNegative(),
  z.strictObject({
    /** The multiplier once warmed up. */
    multiplier: num.nonNegative(),
    /** Steps at multiplier 0 first (the part waits while the others start). Defaults to `0`. */
    delaySteps: num.index().optional(),
    /** Steps of linear warm-up from 0 to `multiplier` after the delay. Defaults to `0`. */
    warmupSteps: num.index().optional(),
  }),
]);

/** Keys: "backbone", "arch", a task, "head:<task>", "adapter:<task>" or a glob on names. */
export const lrMultipliersSchema = z.record(z.string().min(1), lrMultiplierSchema);

export const accumulateSchema = num.count();

export const finetuneOptionsShape = {
  lrMultipliers: lrMultipliersSchema.optional(),
  accumulate: accumulateSchema.optional(),
};

export type LrMultiplier = z.infer<typeof lrMultiplierSchema>;
