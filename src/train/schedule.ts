/**
 * Learning-rate schedules, as JSON values: `{ type: "step", every, gamma }` (multiply by gamma
 * every `every` epochs), `{ type: "cosine", minLr }` (cosine decay over the whole run), each
 * optionally preceded by a linear warm-up of `warmupSteps` steps.
 */
import { ConfigError, UnknownNameError, show } from "../errors.js";
import { issueError, num, z } from "../util/schema.js";

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

const warmupSteps = num.index().optional();
/** The schema of each schedule type (strict: a misspelt key is an error). */
export const scheduleSchemas = {
  constant: z.strictObject({ type: z.literal("constant"), warmupSteps }),
  step: z.strictObject({
    type: z.literal("step"),
    every: num.count(),
    gamma: num.positive().optional(),
    warmupSteps,
  }),
  cosine: z.strictObject({
    type: z.literal("cosine"),
    minLr: num.nonNegative().optional(),
    warmupSteps,
  }),
} as const;

/**
 * Checks a `schedule` option before training starts: an object with a known `type` and that
 * type's options. Returns it unchanged (undefined stays undefined).
 */
export function checkSchedule(schedule: unknown): Schedule | undefined {
  if (schedule === undefined) return undefined;
  const type = (schedule as { type?: unknown } | null)?.type;
  const known = Object.keys(scheduleSchemas);
  if (schedule === null || typeof schedule !== "object" || typeof type !== "string")
    throw new ConfigError(
      `fit: option "schedule" must be { type: ${known.join(" | ")}, ... }, got ${show(schedule)}.`,
      { field: "schedule", value: schedule, expected: `{ type: one of ${known.join(", ")} }` },
    );
  if (!Object.hasOwn(scheduleSchemas, type))
    throw new UnknownNameError("schedule type", type, known);
  const schema = scheduleSchemas[type as keyof typeof scheduleSchemas];
  const r = schema.safeParse(schedule, { reportInput: true });
  if (!r.success) {
    // a misspelt key explains a "missing" one: report it first
    const issues = r.error.issues;
    const issue = issues.find((i) => i.code === "unrecognized_keys") ?? issues[0];
    throw issueError(schema, issue, { where: "fit", prefix: "schedule" });
  }
  return schedule as Schedule;
}

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
