/**
 * Learning-rate schedules, as JSON values: `{ type: "step", every, gamma }` (multiply by gamma
 * every `every` epochs), `{ type: "cosine", minLr }` (cosine decay over the whole run), each
 * optionally preceded by a linear warm-up of `warmupSteps` steps.
 */
import { ConfigError, show } from "../errors.js";

export type Schedule =
  | { type: "constant"; warmupSteps?: number }
  | { type: "step"; every: number; gamma?: number; warmupSteps?: number }
  | { type: "cosine"; minLr?: number; warmupSteps?: number };

export const schedules = Object.freeze({
  constant: (o: { warmupSteps?: number } = {}): Schedule => ({ type: "constant", ...o }),
  step: (o: { every: number; gamma?: number; warmupSteps?: number }): Schedule => ({
    type: "step",
    ...o,
  }),
  cosine: (o: { minLr?: number; warmupSteps?: number } = {}): Schedule => ({
    type: "cosine",
    ...o,
  }),
});

/** The learning rate at global step `step` (0-based) of `totalSteps`, epoch `epoch`. */
export function learningRate(
  base: number,
  schedule: Schedule | undefined,
  step: number,
  epoch: number,
  totalSteps: number,
): number {
  if (!schedule) return base;
  let lr = base;
  switch (schedule.type) {
    case "constant":
      break;
    case "step":
      lr = base * (schedule.gamma ?? 0.1) ** Math.floor(epoch / schedule.every);
      break;
    case "cosine": {
      const min = schedule.minLr ?? 0;
      const p = Math.min(1, step / Math.max(1, totalSteps));
      lr = min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * p));
      break;
    }
    default:
      throw new ConfigError(
        `Unknown schedule ${show(schedule)}; known types: constant, step, cosine.`,
        {
          field: "schedule",
          value: schedule,
          expected: "constant, step or cosine",
        },
      );
  }
  const w = schedule.warmupSteps ?? 0;
  return w > 0 && step < w ? (lr * (step + 1)) / w : lr;
}
