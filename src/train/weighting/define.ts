/**
 * Shared building blocks for weighting strategies: an immutable strategy value, the
 * gradient-mode option shared by gradient-based methods, option schemas and state checks.
 */
import { ConfigError, show } from "../../errors.js";
import { parseOptions, z } from "../../util/schema.js";
import type { InstanceFor, WeightingContext, WeightingNeeds, WeightingStrategy } from "./types.js";

/**
 * Where gradient-based strategies take their per-task gradients. Defaults to `"shared"`.
 * - `"shared"`: gradients of the shared (backbone) parameters, [T, P].
 * - `"representation"`: gradients of the shared representation (backbone output), as in
 *   MGDA-UB; cost independent of the backbone size.
 */
export type GradientMode = "shared" | "representation";

export interface GradientModeArgs {
  /** Where per-task gradients are taken. Defaults to `"shared"`. */
  mode?: GradientMode;
}

/** The zod schema of the `mode` option. */
export const modeSchema = z.enum(["shared", "representation"]).optional();

/** A strict options schema with the gradient mode and the given fields. */
export function gradientSchema<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject({ mode: modeSchema, ...shape });
}

/** Validates a strategy's options against its schema (typed errors naming the option). */
export function options<S extends z.ZodType>(name: string, schema: S, args: unknown): z.output<S> {
  return parseOptions(schema, args ?? {}, { where: `weighting "${name}"` });
}

/** The `needs` of a gradient-based strategy in the given mode. */
export function needsFor(
  mode: GradientMode | undefined,
): "sharedGradients" | "representationGradients" {
  const m = mode ?? "shared";
  if (m === "shared") return "sharedGradients";
  if (m === "representation") return "representationGradients";
  throw new ConfigError(
    `Weighting option "mode" is ${show(m)}; expected "shared" or "representation".`,
    { field: "mode", value: m, expected: '"shared" or "representation"' },
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Drops `undefined` fields so that configs compare and serialise cleanly. */
function clean<C extends object>(config: C): C {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (v !== undefined) out[k] = v;
  return out as C;
}

/** Builds an immutable strategy value. `config` is copied (via JSON) and deep-frozen. */
export function defineStrategy<C extends object, N extends WeightingNeeds>(
  name: string,
  needs: N,
  config: C,
  create: (tasks: readonly string[], opts: { seed: number }) => InstanceFor<N>,
  extra: { samples?: number } = {},
): WeightingStrategy<C, N> {
  const frozen = deepFreeze(JSON.parse(JSON.stringify(clean(config))) as C);
  return Object.freeze({
    name,
    needs,
    config: frozen,
    ...(extra.samples && extra.samples > 1 ? { samples: extra.samples } : {}),
    create(tasks: readonly string[], opts: { seed: number }): InstanceFor<N> {
      if (tasks.length === 0)
        throw new ConfigError(`Weighting "${name}": needs at least one task, got none.`, {
          field: "tasks",
          value: tasks,
          expected: "one or more task names",
        });
      const instance = create(tasks, opts);
      if (instance.needs !== needs)
        throw new Error(
          `internal: weighting "${name}" made a "${instance.needs}" instance for "${needs}"`,
        );
      return instance;
    },
  });
}

/** Checks a restored state's per-task array. */
export function stateArray(strategy: string, field: string, value: unknown, n: number): number[] {
  if (!Array.isArray(value) || value.length !== n || value.some((v) => typeof v !== "number"))
    throw new ConfigError(
      `Weighting "${strategy}": state field "${field}" is ${show(value)}; expected ${n} numbers.`,
      { field, value, expected: `an array of ${n} numbers` },
    );
  return value.slice();
}

/** Reads an object-valued state, or fails with a clear error. */
export function stateObject(strategy: string, state: unknown): Record<string, unknown> {
  if (state === null || typeof state !== "object")
    throw new ConfigError(`Weighting "${strategy}": state is ${show(state)}; expected an object.`, {
      field: "state",
      value: state,
      expected: "an object from getState()",
    });
  return state as Record<string, unknown>;
}

/** Which tasks take part in this step, as a [T] 0/1 list (task order). */
export function activeMask(ctx: WeightingContext): number[] {
  return ctx.active.map((a) => (a ? 1 : 0));
}
