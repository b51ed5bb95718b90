import type { AnyDataset } from "../data/types.js";
/**
 * The fluent, immutable model builder: `model({ input }).backbone(b).head(name, h).fit(data)`.
 * Every call returns a new `Model`; none mutates the receiver, so re-running a notebook cell
 * never doubles a head or continues training an old model. Task names are a literal union in
 * the type parameter `T`, so a misspelt task in `fit`'s data is a compile error (and, from
 * plain JavaScript, a runtime error listing the known tasks).
 */
import { ConfigError, show } from "../errors.js";
import { type EvaluateOptions, type Evaluation, evaluateDef } from "../eval/evaluate.js";
import { type Predictions, predictDef } from "../eval/predict.js";
import type { AdapterKind } from "../model/adapters.js";
import { hardSharing } from "../model/arch/hardSharing.js";
import { resolveArchitecture } from "../model/arch/registry.js";
import type { Architecture } from "../model/arch/types.js";
import type { Backbone } from "../model/backbones/types.js";
import { type ExportInfo, type ExportOptions, exportModel } from "../model/export/index.js";
import type { Head } from "../model/heads/types.js";
import { Network } from "../model/network.js";
import type { Shape } from "../model/params.js";
import {
  type FreezeOp,
  type ModelDef,
  type ModelSpecJSON,
  type WeightMap,
  specToJSON,
} from "../model/spec.js";
import { fit } from "../train/fit.js";
import type { FitOptions } from "../train/options.js";
import { num, parseOptions, z } from "../util/schema.js";
// Model.fit makes a Run and Run.load makes a Model: the two facade files import each other,
// and each uses the other only when called, never while loading.
import { Run } from "./run.js";

export interface ModelArgs {
  /** Shape of one input sample, e.g. `[28, 28, 1]` or `[maxTokens]`. */
  input: readonly number[];
}

export interface HeadOptions {
  /** This task's own input shape when it differs from the model input (an adapter maps it). */
  input?: readonly number[];
  /** The adapter for a differing input shape. Defaults to `"auto"`. */
  adapter?: AdapterKind;
}

const shapeSchema = z.array(num.count()).min(1).readonly();
const modelArgsSchema = z.strictObject({ input: shapeSchema });
const headOptionsSchema = z.strictObject({
  input: shapeSchema.optional(),
  adapter: z.enum(["auto", "image", "dense"]).optional(),
});

/** Training data: a dataset per task; keys must be task names of the model. */
export type FitData<T extends string> = { readonly [K in T]?: AnyDataset };

/**
 * Rejects keys that are not tasks and hold a dataset (the compile-time half of the
 * misspelt-task check). Keys holding anything else pass the types: a spread group such as
 * `{ ...datasets.multiMnist(...) }` is typed with the group's non-enumerable extras (`pairs`),
 * which the spread does not carry at run time (where any unknown key is an error).
 */
export type OnlyTasks<T extends string, D> = D & {
  readonly [K in Exclude<keyof D, T>]: D[K] extends AnyDataset | undefined ? never : D[K];
};

function checkShape(field: string, s: unknown): readonly number[] {
  if (!Array.isArray(s) || s.length === 0 || !s.every((d) => Number.isInteger(d) && d > 0))
    throw new ConfigError(
      `${field} must be a non-empty array of positive integers, got ${show(s)}.`,
      {
        field,
        value: s,
        expected: "e.g. [28, 28, 1]",
      },
    );
  return Object.freeze([...s]);
}

function checkTargets(method: string, targets: readonly unknown[]): void {
  for (const t of targets)
    if (typeof t !== "string" || t.length === 0)
      throw new ConfigError(`${method}(...): ${show(t)} is not a part name or pattern.`, {
        field: method,
        value: t,
        expected: '"backbone", "arch", a task name, "head:<task>", "adapter:<task>" or a glob',
      });
}

export class Model<T extends string = never> {
  /** @internal */
  constructor(readonly def: ModelDef) {
    Object.freeze(this);
  }

  /** Task names, in head order. */
  get tasks(): T[] {
    return this.def.heads.map((h) => h.name as T);
  }

  /** true when the model carries trained or loaded weights. */
  get trained(): boolean {
    return this.def.weights !== undefined;
  }

  private with(patch: Partial<ModelDef>): ModelDef {
    return Object.freeze({ ...this.def, ...patch });
  }

  /** Sets the shared backbone. Replacing it on a trained model drops the trained weights. */
  backbone(b: Backbone<object>): Model<T> {
    if (!b || typeof (b as Backbone).build !== "function")
      throw new ConfigError(`backbone(b): ${show(b)} is not a backbone (use pt.backbones.*).`, {
        field: "backbone",
        value: b,
        expected: "a Backbone such as pt.backbones.mlp({ units: [64] })",
      });
    const freeze: FreezeOp[] = b.trainable === false ? [{ op: "freeze", target: "backbone" }] : [];
    return new Model<T>(
      this.with({ backbone: b as Backbone, weights: undefined, freeze: [...freeze] }),
    );
  }

  /** Adds a task head. Adding a name twice is an error (use `withoutHead` first). */
  head<N extends string>(name: N, h: Head, opts: HeadOptions = {}): Model<T | N> {
    if (typeof name !== "string" || name.length === 0 || name.includes("/"))
      throw new ConfigError(`head(name): ${show(name)} is not a valid task name.`, {
        field: "name",
        value: name,
        expected: "a non-empty string without '/'",
      });
    if (!h || typeof h.build !== "function" || typeof h.loss !== "function")
      throw new ConfigError(`Task "${name}": ${show(h)} is not a head (use pt.heads.*).`, {
        task: name,
        field: "head",
        value: h,
        expected: "a Head such as pt.heads.classifier(10)",
      });
    parseOptions(headOptionsSchema, opts, { where: `head("${name}", h, opts)`, task: name });
    if (this.def.heads.some((e) => e.name === name))
      throw new ConfigError(`Task "${name}" already has a head; tasks: ${this.tasks.join(", ")}.`, {
        task: name,
        field: "name",
        value: name,
        expected: "a new task name",
      });
    const entry = Object.freeze({
      name,
      head: h,
      input: opts.input ? checkShape(`Task "${name}": input`, opts.input) : undefined,
      adapter: opts.adapter ?? "auto",
    });
    return new Model<T | N>(this.with({ heads: Object.freeze([...this.def.heads, entry]) }));
  }

  /** A model without task `name` (its head weights are dropped). */
  withoutHead<N extends T>(name: N): Model<Exclude<T, N>> {
    return new Model<Exclude<T, N>>(
      this.with({ heads: this.def.heads.filter((h) => h.name !== name) }),
    );
  }

  /** Sets the multi-task architecture (hard sharing by default). */
  architecture(a: Architecture<object> | string): Model<T> {
    return new Model<T>(this.with({ architecture: resolveArchitecture(a), weights: undefined }));
  }

  /**
   * Freezes parameters: `"backbone"`, a task name (its head and adapter), `"head:<task>"`,
   * `"adapter:<task>"`, `"arch"`, or a glob on parameter names (`"backbone/conv0/*"`).
   */
  freeze(...targets: (T | "backbone" | "arch" | (string & {}))[]): Model<T> {
    checkTargets("freeze", targets);
    return new Model<T>(
      this.with({
        freeze: [
          ...this.def.freeze,
          ...targets.map((target) => ({ op: "freeze" as const, target })),
        ],
      }),
    );
  }

  /** Undoes `freeze` for the given targets (later calls win). */
  unfreeze(...targets: (T | "backbone" | "arch" | (string & {}))[]): Model<T> {
    checkTargets("unfreeze", targets);
    return new Model<T>(
      this.with({
        freeze: [
          ...this.def.freeze,
          ...targets.map((target) => ({ op: "unfreeze" as const, target })),
        ],
      }),
    );
  }

  /** The same model with these weights (by parameter name). @internal */
  withWeights(weights: WeightMap | undefined): Model<T> {
    return new Model<T>(this.with({ weights }));
  }

  /** The model spec as JSON (no weights). */
  toJSON(): ModelSpecJSON {
    return specToJSON(this.def);
  }

  /** A one-line summary, e.g. "convNet -> digits: classifier(10), fashion: classifier(10)". */
  toString(): string {
    const heads = this.def.heads.map((h) => `${h.name}: ${h.head.describe()}`).join(", ");
    return `${this.def.backbone?.kind ?? "(no backbone)"} [${this.def.input}] -> ${heads || "(no heads)"}`;
  }

  /**
   * Trains a copy of this model (from its weights, or a seeded initialisation) and resolves to
   * a `Run`. The receiver is unchanged; `run.model` is the trained model.
   */
  async fit<D extends FitData<T>>(
    data: OnlyTasks<T, D>,
    opts: FitOptions<T> = {},
  ): Promise<Run<T>> {
    const r = await fit(this.def, data as FitData<string>, opts as FitOptions<string>);
    return new Run<T>(this.withWeights(r.weights), r.state, opts);
  }

  /**
   * The model's weights by parameter name: its trained or loaded ones, or else the seeded
   * initialisation `fit` starts from with the same `seed` (what a baseline in another framework
   * needs to start from the same point).
   */
  async weights(seed = 0): Promise<WeightMap> {
    const net = await Network.build(this.def, seed);
    try {
      return await net.snapshot();
    } finally {
      net.dispose();
    }
  }

  /** Predictions of task `task`'s head on `data` (probabilities or values, [n, units]). */
  predict(task: T, data: AnyDataset, batchSize?: number): Promise<Predictions> {
    return predictDef(this.def, task, data, batchSize);
  }

  /**
   * Writes a model plain TensorFlow.js loads (`tf.loadLayersModel`, or `tf.loadGraphModel` with
   * `format: "tfjs-graph"`; `"savedmodel"` for TensorFlow), one output per task, named after it
   * and computing what `predict(task, ...)` computes. See src/model/export/.
   */
  export(dir: string, opts?: ExportOptions): Promise<ExportInfo> {
    return exportModel(this.def, dir, opts);
  }

  /** Per-task metrics of this model's weights on `data` (see `Run.evaluate`). */
  evaluate<D extends FitData<T>>(
    data: OnlyTasks<T, D>,
    opts: EvaluateOptions<T> = {},
  ): Promise<Evaluation<T>> {
    return evaluateDef<T>(this.def, data as FitData<T>, opts);
  }
}

/** Starts a model: `pt.model({ input: [28, 28, 1] })`. */
export function model(args: ModelArgs): Model<never> {
  parseOptions(modelArgsSchema, args, { where: "model(args)" });
  const input = checkShape("model({ input })", args?.input);
  return new Model<never>(
    Object.freeze({
      input: input as Shape,
      architecture: hardSharing(),
      heads: Object.freeze([]),
      freeze: Object.freeze([]),
    }),
  );
}
