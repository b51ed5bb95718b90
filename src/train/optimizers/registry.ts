/**
 * Optimizers by name ("sgd", "adam", "adamw"), each with the schema of its options; an unknown
 * name (including "constructor" or "toString") lists the valid ones.
 */
import { Registry } from "../../util/registry.js";
import type { Context } from "../../util/registry.js";
import { adam, adamSchema, adamw, adamwSchema } from "./adam.js";
import { sgd, sgdSchema } from "./sgd.js";
import type { Optimizer } from "./types.js";

export const optimizerRegistry = new Registry<Optimizer<object>>("optimizer");
optimizerRegistry.register({ name: "sgd", schema: sgdSchema, create: sgd });
optimizerRegistry.register({ name: "adam", schema: adamSchema, create: adam });
optimizerRegistry.register({ name: "adamw", schema: adamwSchema, create: adamw });

export function optimizerNames(): string[] {
  return optimizerRegistry.names();
}

/** The optimizer `name` with validated options (`create(o.name, o.config)` round-trips). */
export function createOptimizer(name: string, args: object = {}, ctx?: Context): Optimizer<object> {
  return optimizerRegistry.create(name, args, ctx);
}

const ctxOf = (ctx: Context) => (typeof ctx === "string" ? { where: ctx } : ctx);

export function isOptimizer(o: unknown): o is Optimizer<object> {
  return (
    typeof o === "object" &&
    o !== null &&
    typeof (o as Optimizer).name === "string" &&
    typeof (o as Optimizer).create === "function"
  );
}

/**
 * An optimizer from a name, a `{ name, ...options }` object or an optimizer; `lr` (when given)
 * overrides its rate. Defaults to adam.
 */
export function resolveOptimizer(
  o: string | Optimizer<object> | { name: string } | undefined,
  lr?: number,
  ctx: Context = "fit",
): Optimizer<object> {
  const base =
    o === undefined ? adam() : optimizerRegistry.resolve(o, isOptimizer, "optimizer", ctx);
  return lr === undefined
    ? base
    : createOptimizer(base.name, { ...base.config, lr }, { ...ctxOf(ctx), nameField: "optimizer" });
}
