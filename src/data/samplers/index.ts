/**
 * The task-sampler registry: `samplers.<name>(...)` and `samplers.create(name, opts)`, each
 * sampler with the schema of its options; an unknown name lists the known ones.
 */
import { type Context, Registry } from "../../util/registry.js";
import type { TaskSampler } from "../types.js";
import { type AnnealedArgs, annealed, annealedSchema } from "./annealed.js";
import { type SamplerArgs, samplerSchema } from "./common.js";
import { proportional } from "./proportional.js";
import { roundRobin } from "./round-robin.js";
import { temperature, temperatureSchema } from "./temperature.js";
import { uniform } from "./uniform.js";

export type { AnnealedArgs, SamplerArgs };
export { drawTask } from "./draw.js";
export { annealed, proportional, roundRobin, temperature, uniform };

export interface SamplerOptions extends AnnealedArgs {
  /** For "temperature". Defaults to 2. */
  T?: number;
}

export const samplerRegistry = new Registry<TaskSampler>("sampler");
samplerRegistry.register({ name: "proportional", schema: samplerSchema, create: proportional });
samplerRegistry.register({
  name: "temperature",
  schema: temperatureSchema,
  create: (o) => temperature(o.T ?? 2, o),
});
samplerRegistry.register({ name: "uniform", schema: samplerSchema, create: uniform });
samplerRegistry.register({ name: "annealed", schema: annealedSchema, create: annealed });
samplerRegistry.register({ name: "roundRobin", schema: samplerSchema, create: roundRobin });

/** The registered sampler names. */
export function samplerNames(): string[] {
  return samplerRegistry.names();
}

/** Makes a sampler by name with validated options; an unknown name lists the known ones. */
export function create(name: string, opts: SamplerOptions = {}, ctx?: Context): TaskSampler {
  return samplerRegistry.create(name, opts, ctx);
}

export function isSampler(s: unknown): s is TaskSampler {
  return (
    typeof s === "object" &&
    s !== null &&
    typeof (s as TaskSampler).name === "string" &&
    typeof (s as TaskSampler).probabilities === "function"
  );
}

/** `pt.samplers`: the registered samplers, `create` and `names`. */
export const samplers = {
  proportional,
  temperature,
  uniform,
  annealed,
  roundRobin,
  create,
  names: samplerNames,
};
