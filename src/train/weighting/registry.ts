/**
 * The weighting-strategy registry (a `Registry<WeightingStrategy>`): a string name
 * (`"pcgrad"`), a `{ name, ...options }` object (JSON configs) and a strategy object
 * (`pt.weighting.pcgrad()`) all resolve to a strategy; every entry carries its options' zod
 * schema, so unknown options and out-of-range values fail with a typed error naming the option;
 * an unknown name fails listing the known ones. Plug-ins add names with `registerWeighting`.
 */
import { ConfigError, show } from "../../errors.js";
import { Registry } from "../../util/registry.js";
import { z } from "../../util/schema.js";
import { aligned, alignedSchema } from "./aligned.js";
import { cagrad, cagradSchema } from "./cagrad.js";
import { dbmtl, dbmtlSchema } from "./dbmtl.js";
import { dwa, dwaSchema } from "./dwa.js";
import { ew, ewSchema } from "./ew.js";
import { excessmtl, excessmtlSchema } from "./excessmtl.js";
import { fairgrad, fairgradSchema } from "./fairgrad.js";
import { famo, famoSchema } from "./famo.js";
import { gls, glsSchema } from "./gls.js";
import { graddrop, graddropSchema } from "./graddrop.js";
import { gradnorm, gradnormSchema } from "./gradnorm.js";
import { gradvac, gradvacSchema } from "./gradvac.js";
import { imtl, imtlSchema } from "./imtl.js";
import { mgda, mgdaSchema } from "./mgda.js";
import { moco, mocoSchema } from "./moco.js";
import { modo, modoSchema } from "./modo.js";
import { nash, nashSchema } from "./nash.js";
import { pcgrad, pcgradSchema } from "./pcgrad.js";
import { rlw, rlwSchema } from "./rlw.js";
import { sdmgrad, sdmgradSchema } from "./sdmgrad.js";
import { staticSchema, staticWeights } from "./static.js";
import { stch, stchSchema } from "./stch.js";
import type { WeightingStrategy } from "./types.js";
import { uncertainty, uncertaintySchema } from "./uncertainty.js";
import { upgrad, upgradSchema } from "./upgrad.js";

// biome-ignore lint/suspicious/noExplicitAny: factories take their own option types
export type WeightingFactory = (opts?: any) => WeightingStrategy<any>;

export const weightingRegistry = new Registry<WeightingStrategy<object>>("weighting strategy");

const builtIn: [string, z.ZodType, WeightingFactory, string][] = [
  ["ew", ewSchema, ew, "equal weights"],
  ["static", staticSchema, staticWeights as WeightingFactory, "fixed user weights"],
  ["uncertainty", uncertaintySchema, uncertainty, "Kendall et al., CVPR 2018"],
  ["dwa", dwaSchema, dwa, "Liu et al., CVPR 2019"],
  ["rlw", rlwSchema, rlw, "Lin et al., TMLR 2022"],
  ["famo", famoSchema, famo, "Liu et al., NeurIPS 2023"],
  ["gradnorm", gradnormSchema, gradnorm, "Chen et al., ICML 2018"],
  ["pcgrad", pcgradSchema, pcgrad, "Yu et al., NeurIPS 2020"],
  ["mgda", mgdaSchema, mgda, "Sener & Koltun, NeurIPS 2018"],
  ["cagrad", cagradSchema, cagrad, "Liu et al., NeurIPS 2021"],
  ["imtl", imtlSchema, imtl, "Liu et al., ICLR 2021"],
  ["nash", nashSchema, nash, "Navon et al., ICML 2022"],
  ["aligned", alignedSchema, aligned, "Senushkin et al., CVPR 2023"],
  ["upgrad", upgradSchema, upgrad, "Quinton & Rey, 2024"],
  ["gradvac", gradvacSchema, gradvac, "Wang et al., ICLR 2021"],
  ["graddrop", graddropSchema, graddrop, "Chen et al., NeurIPS 2020"],
  ["moco", mocoSchema, moco, "Fernando et al., ICLR 2023"],
  ["sdmgrad", sdmgradSchema, sdmgrad, "Xiao et al., NeurIPS 2023"],
  ["modo", modoSchema, modo, "Chen et al., NeurIPS 2023"],
  ["fairgrad", fairgradSchema, fairgrad, "Ban & Ji, ICML 2024"],
  ["dbmtl", dbmtlSchema, dbmtl, "Lin et al., 2023"],
  ["stch", stchSchema, stch, "Lin et al., ICML 2024"],
  ["excessmtl", excessmtlSchema, excessmtl, "He et al., ICML 2024"],
  ["gls", glsSchema, gls, "Chennupati et al., CVPR Workshops 2019"],
];
for (const [name, schema, factory, description] of builtIn)
  weightingRegistry.register({ name, schema, create: (o) => factory(o), description });

/**
 * Adds (or replaces) a named strategy factory. `schema` validates its options (defaults to any
 * object, passed through as given).
 */
export function registerWeighting(
  name: string,
  factory: WeightingFactory,
  schema: z.ZodType = z.looseObject({}),
): void {
  weightingRegistry.register({ name, schema, create: (o) => factory(o) });
}

/** Every registered strategy name, in registration order. */
export function weightingNames(): string[] {
  return weightingRegistry.names();
}

/** Builds the named strategy with options; `create(s.name, s.config)` round-trips a strategy. */
export function createWeighting(name: string, opts?: object): WeightingStrategy<object> {
  return weightingRegistry.create(name, opts ?? {});
}

const NEEDS = ["losses", "sharedGradients", "representationGradients", "representationTransform"];

function isStrategy(x: unknown): x is WeightingStrategy<object> {
  const s = x as WeightingStrategy<object>;
  return (
    typeof s === "object" &&
    s !== null &&
    typeof s.name === "string" &&
    typeof s.create === "function" &&
    NEEDS.includes(s.needs)
  );
}

/**
 * A strategy from a name, a `{ name, ...options }` object, a strategy object, or nothing (EW,
 * the default). Throws `UnknownNameError` for an unknown name or option, `ConfigError` otherwise.
 */
export function resolveWeighting(
  nameOrStrategy?: string | WeightingStrategy<object> | { name: string },
): WeightingStrategy<object> {
  if (nameOrStrategy === undefined) return ew();
  if (
    typeof nameOrStrategy === "object" &&
    nameOrStrategy !== null &&
    !isStrategy(nameOrStrategy) &&
    typeof (nameOrStrategy as { name?: unknown }).name !== "string"
  )
    throw new ConfigError(
      `Option "weighting" is ${show(nameOrStrategy)}; expected a strategy name (${weightingNames().join(", ")}) or a strategy such as pt.weighting.ew().`,
      { field: "weighting", value: nameOrStrategy, expected: "a strategy name or object" },
    );
  return weightingRegistry.resolve(nameOrStrategy, isStrategy, "weighting");
}
