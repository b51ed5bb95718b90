/** The `weighting` namespace of the public API: `pt.weighting.pcgrad()`, `pt.weighting.create(name)`. */
import { aggregate } from "./aggregate.js";
import { aligned } from "./aligned.js";
import { cagrad } from "./cagrad.js";
import { dbmtl } from "./dbmtl.js";
import { dwa } from "./dwa.js";
import { ew } from "./ew.js";
import { excessmtl } from "./excessmtl.js";
import { fairgrad } from "./fairgrad.js";
import { famo } from "./famo.js";
import { gls } from "./gls.js";
import { graddrop } from "./graddrop.js";
import { gradnorm } from "./gradnorm.js";
import { gradvac } from "./gradvac.js";
import { imtl } from "./imtl.js";
import { mgda } from "./mgda.js";
import { minNormSolver } from "./min-norm.js";
import { moco } from "./moco.js";
import { modo } from "./modo.js";
import { nash } from "./nash.js";
import { pcgrad } from "./pcgrad.js";
import { createWeighting, resolveWeighting, weightingNames } from "./registry.js";
import { rlw } from "./rlw.js";
import { sdmgrad } from "./sdmgrad.js";
import { staticWeights } from "./static.js";
import { stch } from "./stch.js";
import { uncertainty } from "./uncertainty.js";
import { upgrad } from "./upgrad.js";

export type { AggregateOptions, Aggregation } from "./aggregate.js";

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
  upgrad,
  gradvac,
  graddrop,
  moco,
  sdmgrad,
  modo,
  fairgrad,
  dbmtl,
  stch,
  excessmtl,
  gls,
  /** Builds a strategy by name with options; unknown names and options list the valid ones. */
  create: createWeighting,
  /** A strategy from a name, `{ name, ...options }` or object (EW when omitted). */
  resolve: resolveWeighting,
  /** The registered names. */
  names: weightingNames,
  /** The min-norm convex weights of a set of vectors (MGDA's exact solver). */
  minNormSolver,
  /** A gradient method's weights and update direction for K task gradients. */
  aggregate,
});
