/** Shared pieces of the task samplers: option checks and normalisation of task weights. */
import { ConfigError, show } from "../../errors.js";

export interface SamplerArgs {
  /**
   * "one" (default): each step trains one task drawn by the sampler. "all": each step holds a
   * batch of every task (for gradient-based weighting); the probabilities are then reported only.
   */
  mode?: "one" | "all";
}

export function checkMode(sampler: string, mode: unknown): "one" | "all" {
  if (mode === undefined) return "one";
  if (mode === "one" || mode === "all") return mode;
  throw new ConfigError(`Sampler "${sampler}": mode ${show(mode)} is not "one" or "all".`, {
    field: "mode",
    value: mode,
    expected: '"one" or "all"',
  });
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

export function checkPositive(sampler: string, field: string, v: unknown): number {
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v))
    throw new ConfigError(
      `Sampler "${sampler}": ${field} ${show(v)} must be a finite number > 0.`,
      {
        field,
        value: v,
        expected: "a finite number > 0",
      },
    );
  return v;
}
