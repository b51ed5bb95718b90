/** The `weighting` namespace of the public API: `pt.weighting.pcgrad()`, `pt.weighting.create(name)`. */
import { aligned } from "./aligned.js";
import { cagrad } from "./cagrad.js";
import { dwa } from "./dwa.js";
import { ew } from "./ew.js";
import { famo } from "./famo.js";
import { gradnorm } from "./gradnorm.js";
import { imtl } from "./imtl.js";
import { mgda } from "./mgda.js";
import { minNormSolver } from "./min-norm.js";
import { nash } from "./nash.js";
import { pcgrad } from "./pcgrad.js";
import { createWeighting, resolveWeighting, weightingNames } from "./registry.js";
import { rlw } from "./rlw.js";
import { staticWeights } from "./static.js";
import { uncertainty } from "./uncertainty.js";

export const weighting = Object.freeze({
  ew,
  static: staticWeights,
  uncertainty,
  dwa,
  rlw,
  famo,
  gradnorm,
  pcgrad,
  mgda,
  cagrad,
  imtl,
  nash,
  aligned,
  /** Builds a strategy by name with options; unknown names list the valid ones. */
  create: createWeighting,
  /** A strategy from a name or object (EW when omitted). */
  resolve: resolveWeighting,
  /** The registered names. */
  names: weightingNames,
  /** The min-norm convex weights of a set of vectors (MGDA's Frank-Wolfe solver). */
  minNormSolver,
});
