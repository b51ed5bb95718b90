/** `pt.optimizers.*`. */
import { adam, adamw } from "./adam.js";
import { createOptimizer, optimizerNames } from "./registry.js";
import { sgd } from "./sgd.js";

export const optimizers = Object.freeze({
  sgd,
  adam,
  adamw,
  create: createOptimizer,
  names: optimizerNames,
});
export type { Optimizer, OptimizerInstance, OptimizerState } from "./types.js";
export type { SgdArgs } from "./sgd.js";
export type { AdamArgs, AdamWArgs } from "./adam.js";
