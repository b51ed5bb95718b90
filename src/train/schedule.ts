/**
 * Learning-rate schedules, as JSON values: `{ type: "step", every, gamma }` (multiply by gamma
 * every `every` epochs), `{ type: "cosine", minLr }` (cosine decay over the whole run), each
 * optionally preceded by a linear warm-up of `warmupSteps` steps. `type` is the name in the
 * schedule registry, whose entries carry the schema of the other keys.
 */
import { ConfigError, show } from "../errors.js";
import { type Context, Registry } from "../util/registry.js";
import { num, z } from "../util/schema.js";

export type Schedule =
  | { type: "constant"; warmupSteps?: number }
  | { type: "step"; every: number; gamma?: number; warmupSteps?: number }
  | { type: "cosine"; minLr?: number; warmupSteps?: number };

/** The rate at global step `step` (0-based) of `totalSteps`, epoch `epoch`, before warm-up. */
export type ScheduleRule = (
  base: number,
  step: number,
  epoch: number,
  totalSteps: number,
) => number;

const warmupSteps = num.index().optional();

export const scheduleRegistry = new Registry<ScheduleRule>("schedule");
scheduleRegistry.register({
  name: "constant",
  schema: z.strictObject({ warmupSteps }),
  create: () => (base) => base,
});
scheduleRegistry.register({
  name: "step",
  schema: z.strictObject({ every: num.count(), gamma: num.positive().optional(), warmupSteps }),
  create:
    ({ every, gamma = 0.1 }) =>
    (base, _step, epoch) =>
      base * gamma ** Math.floor(epoch / every),
});
scheduleRegistry.register({
  name: "cosine",
  schema: z.strictObject({ minLr: num.nonNegative().optional(), warmupSteps }),
  create:
    ({ minLr = 0 }) =>
    (base, step, _epoch, totalSteps) => {
      const p = Math.min(1, step / Math.max(1, totalSteps));
      return minLr + 0.5 * (base - minLr) * (1 + Math.cos(Math.PI * p));
    },
});

/**
 * Validates a schedule value (`{ type, ...options }`) and returns it unchanged. An unknown type
 * (also "constructor", "toString") is an UnknownNameError listing the types; a bad or unknown
 * option a ConfigError / UnknownNameError naming the option (under `ctx.prefix`, e.g.
 * `schedule.every` for fit's option).
 */
export function checkSchedule(schedule: unknown, ctx?: Context): Schedule {
  const c = typeof ctx === "string" ? { where: ctx } : (ctx ?? {});
  const where = c.where ?? "schedule";
  const at = (k: string) => (c.prefix ? `${c.prefix}.${k}` : k);
  const types = scheduleRegistry.names().map((n) => show(n));
  if (schedule === null || typeof schedule !== "object" || Array.isArray(schedule))
    throw new ConfigError(
      `${where}: option "${c.prefix ?? "schedule"}": expected { type: ${types.join(" | ")}, ... }, received ${show(schedule)}.`,
      {
        field: c.prefix ?? "schedule",
        value: schedule,
        expected: "a schedule object",
        task: c.task,
      },
    );
  const { type, ...options } = schedule as { type?: unknown };
  if (type === undefined)
    throw new ConfigError(
      `${where}: option "${at("type")}": expected one of ${types.join(", ")}, received nothing.`,
      { field: at("type"), value: type, expected: `one of ${types.join(", ")}`, task: c.task },
    );
  const name = scheduleRegistry.entry(type, { ...c, where, nameField: at("type") }).name;
  scheduleRegistry.validate(name, options, c.where ? c : undefined);
  return schedule as Schedule;
}

function make<S extends Schedule>(type: S["type"], o: object): S {
  const value = { ...o, type } as S;
  checkSchedule(value);
  return value;
}

/** `pt.schedules.*`: schedule values, validated by the registry's schemas. */
export const schedules = Object.freeze({
  constant: (o: { warmupSteps?: number } = {}): Schedule => make("constant", o),
  step: (o: { every: number; gamma?: number; warmupSteps?: number }): Schedule => make("step", o),
  cosine: (o: { minLr?: number; warmupSteps?: number } = {}): Schedule => make("cosine", o),
  names: (): string[] => scheduleRegistry.names(),
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
  const { type, ...options } = schedule;
  // options were validated with the fit options; the rule itself is a closure over them
  const lr = scheduleRegistry.entry(type).create(options)(base, step, epoch, totalSteps);
  const w = schedule.warmupSteps ?? 0;
  return w > 0 && step < w ? (lr * (step + 1)) / w : lr;
}
