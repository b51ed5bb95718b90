/** Static weighting: fixed, user-given per-task loss weights (the classic hand-tuned baseline). */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import { z } from "../../util/schema.js";
import { defineStrategy, options } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export interface StaticArgs {
  /** Weight per task, by name or in task order. Tasks missing from a record get `default`. */
  weights: Readonly<Record<string, number>> | readonly number[];
  /** Weight of tasks not named in a `weights` record. Defaults to none: every task must be named. */
  default?: number;
}

export const staticSchema = z.strictObject({
  weights: z.union([z.record(z.string(), z.number().min(0)), z.array(z.number().min(0))]),
  default: z.number().min(0).optional(),
});

function resolve(args: StaticArgs, tasks: readonly string[]): number[] {
  const { weights } = args;
  const check = (w: unknown, task: string): number => {
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0)
      throw new ConfigError(
        `Task "${task}": static weight is ${show(w)}; expected a finite number >= 0.`,
        { task, field: "weights", value: w, expected: "a finite number >= 0" },
      );
    return w;
  };
  if (Array.isArray(weights)) {
    if (weights.length !== tasks.length)
      throw new ConfigError(
        `Weighting "static": got ${weights.length} weights for ${tasks.length} tasks (${tasks.join(", ")}).`,
        { field: "weights", value: weights, expected: `${tasks.length} weights in task order` },
      );
    return tasks.map((t, i) => check(weights[i], t));
  }
  const record = weights as Readonly<Record<string, number>>;
  for (const name of Object.keys(record))
    if (!tasks.includes(name))
      throw new ConfigError(
        `Weighting "static": weight given for unknown task "${name}"; known tasks: ${tasks.join(", ")}.`,
        { task: name, field: "weights", value: name, expected: `one of ${tasks.join(", ")}` },
      );
  return tasks.map((t) => {
    if (t in record) return check(record[t], t);
    if (args.default !== undefined) return check(args.default, t);
    throw new ConfigError(`Task "${t}": no static weight given and no "default".`, {
      task: t,
      field: "weights",
      value: record,
      expected: `a weight for "${t}" or a "default"`,
    });
  });
}

/** Fixed weights: the combined loss is `sum_i w_i * L_i`. */
export function staticWeights(args: StaticArgs): WeightingStrategy<StaticArgs> {
  if (args === undefined || args === null || typeof args.weights !== "object" || !args.weights)
    throw new ConfigError(
      `Weighting "static": option "weights" is ${show(args?.weights)}; expected a record or array.`,
      { field: "weights", value: args?.weights, expected: "Record<task, number> or number[]" },
    );
  options("static", staticSchema, args);
  return defineStrategy("static", "losses", args, (tasks) => {
    const w = resolve(args, tasks);
    return {
      needs: "losses",
      variables: [],
      combineLosses: (losses) => ({
        loss: tf.tidy(() => tf.sum(tf.mul(losses, tf.tensor1d(w)))),
        weights: w.slice(),
      }),
      getState: () => ({}),
      setState: () => {},
      dispose: () => {},
    };
  });
}
