/** Optimizers by name ("sgd", "adam", "adamw"); an unknown name lists the valid ones. */
import { ConfigError, UnknownNameError, show } from "../../errors.js";
import { adam, adamw } from "./adam.js";
import { sgd } from "./sgd.js";
import type { Optimizer } from "./types.js";

// biome-ignore lint/suspicious/noExplicitAny: each factory takes its own args
const factories: Record<string, (args: any) => Optimizer<any>> = { sgd, adam, adamw };

export function optimizerNames(): string[] {
  return Object.keys(factories);
}

export function createOptimizer(name: string, args: object = {}): Optimizer<object> {
  const f = factories[name];
  if (!f) throw new UnknownNameError("optimizer", name, optimizerNames());
  return f(args);
}

/** An optimizer from a name or config; `lr` (when given) overrides the config's rate. */
export function resolveOptimizer(
  o: string | Optimizer<object> | undefined,
  lr?: number,
): Optimizer<object> {
  if (o === undefined) return createOptimizer("adam", lr === undefined ? {} : { lr });
  if (typeof o === "string") return createOptimizer(o, lr === undefined ? {} : { lr });
  if (typeof o === "object" && o !== null && typeof o.create === "function") {
    return lr === undefined ? o : createOptimizer(o.name, { ...o.config, lr });
  }
  throw new ConfigError(
    `Option "optimizer" is ${show(o)}; expected one of ${optimizerNames().join(", ")} or pt.optimizers.adam({...}).`,
    {
      field: "optimizer",
      value: o,
      expected: optimizerNames().join(", "),
    },
  );
}
