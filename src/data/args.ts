/**
 * The schemas of the dataset constructors' argument objects (`datasets.mnist({ split, limit })`,
 * `datasets.fromArrays({ x, y, ... })`, ...), by constructor name. They check the OPTIONS:
 * unknown keys (with the known ones listed), types and ranges. The DATA fields (`x`, `y`,
 * `mask`, `texts`, `labels`) pass through untouched: each constructor checks them itself and
 * reports bad data as a `DataError` naming the sample. `polytask train` validates a config's
 * data sources through the same map before loading anything.
 */
import { num, parseOptions, z } from "../util/schema.js";
import type { Vocabulary } from "./text/tokenizer.js";

const split = z.enum(["train", "test"]).optional();
const limit = num.count().optional();
const seed = num.integer().optional();
const name = z.string().min(1).optional();
const classNames = z.array(z.string()).readonly().optional();
/** Data: checked by the constructor, which reports a DataError. */
const data = z.unknown().optional();
/** An option given for all tasks (a value) or per task (a record of values). */
const perTask = <S extends z.ZodType>(s: S) => z.union([s, z.record(z.string(), s)]);
const testFraction = z.number().gt(0).lt(1).optional();
const vocabularyArgs = { maxSize: num.count().optional(), minCount: num.count().optional() };
const vocabulary = z
  .custom<Vocabulary>(
    (v) => typeof v === "object" && v !== null && typeof (v as Vocabulary).encode === "function",
    { message: "a Vocabulary (e.g. the training set's vocabularyObject)" },
  )
  .optional();

const imageSet = { split, limit, seed };

export const datasetArgs = {
  mnist: z.strictObject(imageSet),
  fashionMnist: z.strictObject({ ...imageSet, splitSeed: seed }),
  multiMnist: z.strictObject({
    ...imageSet,
    variant: z.enum(["sener", "pareto"]).optional(),
    source: z.enum(["mnist", "fashion", "fashion+mnist"]).optional(),
  }),
  multiMnistSplits: z.strictObject({
    seed,
    variant: z.enum(["sener", "pareto"]).optional(),
    source: z.enum(["mnist", "fashion", "fashion+mnist"]).optional(),
    validation: z.number().gt(0).lt(1).optional(),
  }),
  quickDraw: z.strictObject({
    categories: z.union([z.array(z.string()).min(1).readonly(), num.count(), z.literal("all")]),
    split,
    testFraction,
    splitSeed: seed,
    limitPerCategory: limit,
  }),
  spamAssassin: z.strictObject({
    split,
    maxTokens: num.count().optional(),
    vocabulary,
    testFraction,
    splitSeed: seed,
    limit,
    ...vocabularyArgs,
  }),
  fromIdx: z.strictObject({ name, numClasses: num.count().optional(), classNames, limit, seed }),
  fromArrays: z.strictObject({
    x: data,
    y: data,
    mask: data,
    inputShape: z.array(num.count()).min(1).readonly().optional(),
    labelKind: z.enum(["class", "multiLabel", "regression"]).optional(),
    numClasses: num.count().optional(),
    labelSize: num.count().optional(),
    name,
    inputDtype: z.enum(["float32", "int32"]).optional(),
    classNames,
  }),
  /** `fromArrays` with `y` a record of labels by task (one input, a task group). */
  fromArraysGroup: z.strictObject({
    x: data,
    y: z.record(z.string(), data),
    mask: z.record(z.string(), data).optional(),
    inputShape: z.array(num.count()).min(1).readonly().optional(),
    labelKind: z.record(z.string(), z.enum(["class", "multiLabel", "regression"])).optional(),
    numClasses: z.record(z.string(), num.count()).optional(),
    labelSize: z.record(z.string(), num.count()).optional(),
    name,
    inputDtype: z.enum(["float32", "int32"]).optional(),
    classNames: z.record(z.string(), z.array(z.string()).readonly()).optional(),
    group: z.string().min(1).optional(),
  }),
  fromTensors: z.strictObject({
    x: data,
    y: data,
    mask: data,
    labelKind: z.enum(["class", "multiLabel", "regression"]).optional(),
    numClasses: num.count().optional(),
    labelSize: num.count().optional(),
    name,
    inputDtype: z.enum(["float32", "int32"]).optional(),
    classNames,
  }),
  fromTexts: z.strictObject({
    texts: data,
    labels: data,
    maxTokens: num.count().optional(),
    vocabulary,
    numClasses: num.count().optional(),
    classNames,
    name,
    ...vocabularyArgs,
  }),
  penguins: z.strictObject({}),
  /** `fromParquet(paths, args)`: a label column (one task) or labels by task (a group). */
  fromParquet: z.strictObject({
    features: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    label: z.string().min(1).optional(),
    labels: z.record(z.string().min(1), z.string().min(1)).optional(),
    inputShape: z.array(z.number().int().min(1)).min(1).optional(),
    inputDtype: z.enum(["float32", "int32"]).optional(),
    labelKind: perTask(z.enum(["class", "regression", "multiLabel"])).optional(),
    numClasses: perTask(z.number().int().min(1)).optional(),
    classes: perTask(z.array(z.string()).min(1)).optional(),
    missingLabels: z.enum(["mask", "error"]).optional(),
    bufferSize: z.number().int().min(1).optional(),
    decode: z.enum(["worker", "main"]).optional(),
    name,
  }),
  /** `fromCsv(path, args)` and `fromJson(source, args)`. */
  tabular: z.strictObject({
    features: z.array(z.string().min(1)).min(1).readonly(),
    label: z.string().min(1),
    labelKind: z.enum(["class", "regression"]).optional(),
    classes: z.array(z.string()).min(1).readonly().optional(),
    missing: z.enum(["error", "drop"]).optional(),
    name,
  }),
  /** `fromCsv`/`fromJson` with `labels: { task: column }`: one input, a task group. */
  tabularGroup: z.strictObject({
    features: z.array(z.string().min(1)).min(1).readonly(),
    labels: z
      .record(z.string().min(1), z.string().min(1))
      .refine((l) => Object.keys(l).length > 0, "labels needs at least one task"),
    labelKind: perTask(z.enum(["class", "regression"])).optional(),
    classes: z.record(z.string(), z.array(z.string()).min(1).readonly()).optional(),
    missing: z.enum(["error", "drop"]).optional(),
    group: z.string().min(1).optional(),
    name,
  }),
};

export type DatasetArgsName = keyof typeof datasetArgs;

/** The schema of a `datasets.<loader>` argument object (`fromCsv`/`fromJson`: `tabular`). */
export function datasetArgsSchema(loader: string): z.ZodType | undefined {
  const key = loader === "fromCsv" || loader === "fromJson" ? "tabular" : loader;
  return Object.hasOwn(datasetArgs, key) ? datasetArgs[key as DatasetArgsName] : undefined;
}

/** Validates a constructor's argument object: `datasets.mnist: option "limit": ...`. */
export function checkDatasetArgs<K extends DatasetArgsName>(
  loader: K,
  args: unknown,
  where = `datasets.${loader}`,
): z.output<(typeof datasetArgs)[K]> {
  return parseOptions(datasetArgs[loader], args, { where }) as z.output<(typeof datasetArgs)[K]>;
}
