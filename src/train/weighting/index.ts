/** The `weighting` namespace of the public API: `pt.weighting.pcgrad()`, `pt.weighting.create(name)`. */
import { ew } from "./ew.js";
import { createWeighting, weightingNames } from "./registry.js";
import { staticWeights } from "./static.js";
import { uncertainty } from "./uncertainty.js";

export const weighting = Object.freeze({
  ew,
  static: staticWeights,
  uncertainty,
  /** Builds a strategy by name with options; unknown names list the valid ones. */
  create: createWeighting,
  /** The registered names. */
  names: weightingNames,
});
