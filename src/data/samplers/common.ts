/** Shared pieces of the task samplers: the options schema and normalisation of task weights. */
import { ConfigError, show } from "../../errors.js";
import { parseOptions, z } from "../../util/schema.js";

export interface SamplerArgs {
  /**
   * "one" (default): each step trains one task drawn by the sampler. "all": each step holds a
   * batch of every task (for gradient-based weighting); the probabilities are then reported only.
   */
  mode?: "one" | "all";
}

/** The options every sampler takes (`mode`); samplers extend it with their own. */
export const samplerSchema = z.strictObject({ mode: z.enum(["one", "all"]).optional() });

/** Validates a sampler's options through its schema; returns them with `mode` filled in. */
export function samplerOptions<S extends z.ZodType<SamplerArgs>>(
  sampler: string,
  schema: S,
  args: unknown,
): z.output<S> & { mode: "one" | "all" } {
  const o = parseOptions(schema, args ?? {}, { where: `sampler "${sampler}"` });
  return { ...o, mode: o.mode ?? "one" };
}

export function checkProgress(sampler: string, progress: number | undefined): number {
  const p = progress ?? 0;
  if (!(p >= 0 && p <= 1))
    throw new ConfigError(`Sampler "${sampler}": progress ${show(p)} is outside [0, 1].`, {
      field: "progress",
      value: p,
      expected: "the fraction of training done, in [0, 1]",
    });
  return p;
}

/** Normalises per-task weights `w(n_i)` to probabilities, after checking the sizes. */
export function normalise(
  sampler: string,
  sizes: Readonly<Record<string, number>>,
  weight: (size: number) => number,
): Record<string, number> {
  const tasks = Object.keys(sizes);
  if (tasks.length === 0)
    throw new ConfigError(`Sampler "${sampler}": no tasks were given.`, {
      field: "sizes",
      value: sizes,
      expected: "at least one task",
    });
  const w: Record<string, number> = {};
  let total = 0;
  for (const t of tasks) {
    const n = sizes[t];
    if (!Number.isInteger(n) || n < 1)
      throw new ConfigError(`Sampler "${sampler}": task "${t}" has size ${show(n)}.`, {
        task: t,
        field: "sizes",
        value: n,
        expected: "an integer >= 1",
      });
    w[t] = weight(n);
    total += w[t];
  }
  for (const t of tasks) w[t] /= total;
  return w;
}
