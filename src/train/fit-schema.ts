/**
 * The schema of `fit`'s options, tied to the `FitOptions` type: the shape must name exactly the
 * keys of `FitOptions` (a compile error otherwise), and so must each nested object's. Unknown
 * keys are rejected at every depth with the known ones listed, numbers are range-checked
 * (`lr` any finite number > 0: 1e6 is legal and reaches the NaN stop), and plug-ins given by
 * name, schedules and metric names are checked against their registries before anything is
 * built: `fit: option "regularize.l2sp": expected a number >= 0, received -1.`
 */
import type { Dataset } from "../data/types.js";
import { ConfigError, UnknownNameError } from "../errors.js";
import { checkMetricNames } from "../eval/metrics/registry.js";
import type { ModelDef } from "../model/spec.js";
import type { Context } from "../util/registry.js";
import { custom, num, parseOptions, z } from "../util/schema.js";
import type { AnalysisOptions } from "./analysis.js";
import { finetuneOptionsShape } from "./finetune-schema.js";
import type { CheckpointOptions } from "./listeners.js";
import type { EarlyStoppingOptions, FitOptions, RegularizeOptions } from "./options.js";
import { checkSchedule, scheduleRegistry } from "./schedule.js";

/** `true` when A and B are the same type. */
type Equal<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2
  ? true
  : false;
/** A shape with exactly the (optional or required) keys of `T`. */
type ShapeOf<T> = { [K in keyof Required<T>]: z.ZodType };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const regularizeShape = {
  l1: num.nonNegative().optional(),
  l2: num.nonNegative().optional(),
  l2sp: z
    .union([
      num.nonNegative(),
      z.strictObject({
        backbone: num.nonNegative().optional(),
        heads: num.nonNegative().optional(),
      }),
    ])
    .optional(),
  dropout: num.fraction().optional(),
} satisfies ShapeOf<RegularizeOptions>;

const earlyStoppingShape = {
  monitor: z.string().min(1),
  patience: num.index().optional(),
  mode: z.enum(["min", "max"]).optional(),
  minDelta: num.nonNegative().optional(),
  restoreBest: z.boolean().optional(),
} satisfies ShapeOf<EarlyStoppingOptions>;

const analysisShape = {
  every: num.index().optional(),
  cosine: z.boolean().optional(),
  affinity: z.boolean().optional(),
} satisfies ShapeOf<AnalysisOptions>;

const checkpointShape = {
  dir: z.string().min(1),
  every: num.count().optional(),
  everySteps: num.count().optional(),
} satisfies ShapeOf<CheckpointOptions>;

const plugin = (what: string, example: string, ok: (v: object) => boolean) =>
  custom<never>(
    `${what} name or ${what} object such as ${example}`,
    (v) => typeof v === "string" || (isObject(v) && ok(v)),
  ).optional();

const fitShape = {
  epochs: num.count().optional(),
  batchSize: num.count().optional(),
  seed: num.integer().optional(),
  sampler: plugin(
    "a sampler",
    "pt.samplers.uniform()",
    (v) => typeof (v as { probabilities?: unknown }).probabilities === "function",
  ),
  weighting: plugin(
    "a weighting strategy",
    "pt.weighting.ew()",
    (v) => typeof (v as { create?: unknown }).create === "function",
  ),
  optimizer: plugin(
    "an optimizer",
    "pt.optimizers.adam({ lr: 1e-3 })",
    (v) => typeof (v as { create?: unknown }).create === "function",
  ),
  lr: num.positive().optional(),
  schedule: custom<never>(
    `a schedule { type: ${scheduleRegistry.names().join(" | ")}, ... } such as pt.schedules.cosine()`,
    isObject,
  ).optional(),
  clipNorm: num.positive().optional(),
  clipValue: num.positive().optional(),
  regularize: z.strictObject(regularizeShape).optional(),
  validationSplit: z.number().gt(0).lt(1).optional(),
  // the datasets themselves are checked against the model like the training data
  validationData: z
    .record(
      z.string(),
      custom<Dataset | undefined>("a dataset", () => true),
    )
    .optional(),
  earlyStopping: z.strictObject(earlyStoppingShape).optional(),
  metrics: z.record(z.string(), z.array(z.string()).readonly()).optional(),
  listeners: z
    .array(custom<never>("a listener object { onStep?, onEpochEnd?, ... }", isObject))
    .readonly()
    .optional(),
  signal: custom<never>(
    "an AbortSignal",
    (v) => isObject(v) && typeof (v as { aborted?: unknown }).aborted === "boolean",
  ).optional(),
  handleSigint: z.boolean().optional(),
  evalBatchSize: num.count().optional(),
  verbose: z.boolean().optional(),
  analysis: z.strictObject(analysisShape).optional(),
  checkpoint: z.strictObject(checkpointShape).optional(),
  checkFinite: z.boolean().optional(),
  group: z.boolean().optional(),
  ...finetuneOptionsShape,
} satisfies ShapeOf<FitOptions>;

/** The fit options schema (strict at every depth). */
export const fitSchema = z.strictObject(fitShape);

// The schema and the types name the same keys, and the values the schema accepts are of the
// types' types: adding or changing an option in one without the other is a compile error here.
export type FitSchemaMatchesType = [
  Equal<keyof typeof fitShape, keyof FitOptions>,
  Equal<keyof typeof regularizeShape, keyof RegularizeOptions>,
  Equal<keyof typeof earlyStoppingShape, keyof EarlyStoppingOptions>,
  Equal<keyof typeof analysisShape, keyof AnalysisOptions>,
  Equal<keyof typeof checkpointShape, keyof CheckpointOptions>,
  // and what the schema accepts is a FitOptions (value types agree)
  z.output<typeof fitSchema> extends FitOptions ? true : false,
] extends true[]
  ? true
  : never;
const schemaMatchesType: FitSchemaMatchesType = true;
void schemaMatchesType;

/** The names fit's options know, for messages and docs. */
export const FIT_OPTION_NAMES: readonly string[] = Object.keys(fitShape);

/**
 * Validates `opts` (shape, ranges, unknown keys at every depth), the schedule against the
 * schedule registry, plug-in names against theirs, and metric names (of `opts.metrics` and of
 * the model's heads) against the metric registry; `opts.metrics` keys must be tasks of `def`.
 * Throws the first problem as an `UnknownNameError` or `ConfigError`; returns `opts` unchanged.
 */
export function checkFitOptions(
  opts: unknown,
  def?: ModelDef,
  ctx: Context = "fit",
): FitOptions<string> {
  const c = typeof ctx === "string" ? { where: ctx } : { where: "fit", ...ctx };
  const at = (k: string) => (c.prefix ? `${c.prefix}.${k}` : k);
  if (!isObject(opts))
    throw new ConfigError(
      `${c.where}: ${c.prefix ? `option "${c.prefix}"` : "options"}: expected an options object, received ${String(opts)}.`,
      { field: c.prefix ?? "opts", value: opts, expected: "an options object" },
    );
  const o = parseOptions(fitSchema, opts, c) as FitOptions<string>;
  if (o.schedule !== undefined) checkSchedule(o.schedule, { ...c, prefix: at("schedule") });
  const tasks = def?.heads.map((h) => h.name);
  for (const [task, names] of Object.entries(o.metrics ?? {})) {
    if (tasks && !tasks.includes(task))
      throw new UnknownNameError(
        "task",
        task,
        tasks,
        `${c.where}: option "${at("metrics")}" names the task ${JSON.stringify(task)}, which the model lacks. Known task names: ${tasks.join(", ")}.`,
      );
    checkMetricNames(names ?? [], c.where, at(`metrics.${task}`));
  }
  for (const h of def?.heads ?? [])
    checkMetricNames(h.head.metrics, `Task "${h.name}"`, "metrics", `head ${h.head.describe()}`);
  return opts as FitOptions<string>;
}
