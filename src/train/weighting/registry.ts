/**
 * The weighting-strategy registry: a string name (`"pcgrad"`) and a strategy object
 * (`pt.weighting.pcgrad()`) both resolve to a strategy; an unknown name fails listing the
 * known ones. Plug-ins can add names with `registerWeighting`.
 */
import { ConfigError, UnknownNameError, show } from "../../errors.js";
import { aligned } from "./aligned.js";
import { cagrad } from "./cagrad.js";
import { dwa } from "./dwa.js";
import { ew } from "./ew.js";
import { famo } from "./famo.js";
import { gradnorm } from "./gradnorm.js";
import { imtl } from "./imtl.js";
import { mgda } from "./mgda.js";
import { nash } from "./nash.js";
import { pcgrad } from "./pcgrad.js";
import { rlw } from "./rlw.js";
import { staticWeights } from "./static.js";
import type { WeightingStrategy } from "./types.js";
import { uncertainty } from "./uncertainty.js";

// biome-ignore lint/suspicious/noExplicitAny: factories take their own option types
export type WeightingFactory = (opts?: any) => WeightingStrategy<any>;

const factories = new Map<string, WeightingFactory>([
  ["ew", ew],
  ["static", staticWeights as WeightingFactory],
  ["uncertainty", uncertainty],
  ["dwa", dwa],
  ["rlw", rlw],
  ["famo", famo],
  ["gradnorm", gradnorm],
  ["pcgrad", pcgrad],
  ["mgda", mgda],
  ["cagrad", cagrad],
  ["imtl", imtl],
  ["nash", nash],
  ["aligned", aligned],
]);

/** Adds (or replaces) a named strategy factory. */
export function registerWeighting(name: string, factory: WeightingFactory): void {
  factories.set(name, factory);
}

/** The registered strategy names, in registration order. */
export function weightingNames(): string[] {
  return [...factories.keys()];
}

/** Builds the named strategy with options; `create(s.name, s.config)` round-trips a strategy. */
export function createWeighting(name: string, opts?: object): WeightingStrategy<object> {
  const factory = factories.get(name);
  if (!factory) throw new UnknownNameError("weighting strategy", name, weightingNames());
  return factory(opts ?? (name === "static" ? undefined : {}));
}

function isStrategy(x: unknown): x is WeightingStrategy<object> {
  const s = x as WeightingStrategy<object>;
  return (
    typeof s === "object" &&
    s !== null &&
    typeof s.name === "string" &&
    typeof s.create === "function" &&
    (s.needs === "losses" || s.needs === "sharedGradients" || s.needs === "representationGradients")
  );
}

/**
 * A strategy from a name, a strategy object, or nothing (EW, the default).
 * Throws `UnknownNameError` for an unknown name, `ConfigError` for anything else.
 */
export function resolveWeighting(
  nameOrStrategy?: string | WeightingStrategy<object>,
): WeightingStrategy<object> {
  if (nameOrStrategy === undefined) return ew();
  if (typeof nameOrStrategy === "string") return createWeighting(nameOrStrategy);
  if (isStrategy(nameOrStrategy)) return nameOrStrategy;
  throw new ConfigError(
    `Option "weighting" is ${show(nameOrStrategy)}; expected a strategy name (${weightingNames().join(", ")}) or a strategy such as pt.weighting.ew().`,
    { field: "weighting", value: nameOrStrategy, expected: "a strategy name or object" },
  );
}
