/** The task-sampler registry: `samplers.<name>(...)` and `samplers.create(name, opts)`. */
import { ConfigError, UnknownNameError } from "../../errors.js";
import type { TaskSampler } from "../types.js";
import { type AnnealedArgs, annealed } from "./annealed.js";
import type { SamplerArgs } from "./common.js";
import { proportional } from "./proportional.js";
import { roundRobin } from "./round-robin.js";
import { temperature } from "./temperature.js";
import { uniform } from "./uniform.js";

export type { AnnealedArgs, SamplerArgs };
export { drawTask } from "./draw.js";
export { annealed, proportional, roundRobin, temperature, uniform };

export interface SamplerOptions extends AnnealedArgs {
  /** For "temperature". Defaults to 2. */
  T?: number;
}

const registry: Record<string, (opts: SamplerOptions) => TaskSampler> = {
  proportional: (o) => proportional(o),
  temperature: (o) => temperature(o.T ?? 2, o),
  uniform: (o) => uniform(o),
  annealed: (o) => annealed(o),
  roundRobin: (o) => roundRobin(o),
};

/** The registered sampler names. */
export function samplerNames(): string[] {
  return Object.keys(registry);
}

/** Makes a sampler by name; an unknown name fails with the list of known ones. */
export function create(name: string, opts: SamplerOptions = {}): TaskSampler {
  if (typeof name !== "string" || !Object.hasOwn(registry, name))
    throw new UnknownNameError("sampler", String(name), samplerNames());
  if (opts === null || typeof opts !== "object")
    throw new ConfigError(`Sampler "${name}": options must be an object.`, {
      field: "opts",
      value: opts,
      expected: "an options object",
    });
  return registry[name](opts);
}

/** The `samplers` namespace of the public API. */
export const samplers = {
  proportional,
  temperature,
  uniform,
  annealed,
  roundRobin,
  create,
  names: samplerNames,
};
