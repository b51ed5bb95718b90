import { create as createSampler } from "../data/samplers/index.js";
/**
 * `Run`: the result of `fit`. Tensor-free (weights as typed arrays), so it needs no disposal.
 * `history`, `evaluate(data)`, `table()`, `plot(kind?)`, `save(dir)`, `load(dir)`,
 * `resume(data)` to continue exactly where training stopped, and `model` to keep going
 * (fine-tune further, add a head for transfer).
 */
import type { AnyDataset } from "../data/types.js";
import { CheckpointError } from "../errors.js";
import type { EvaluateOptions, Evaluation } from "../eval/evaluate.js";
import type { ExportInfo, ExportOptions } from "../model/export/index.js";
import { Network } from "../model/network.js";
import { specFromJSON, specToJSON } from "../model/spec.js";
import { type ReportArgs, report as writeReport } from "../notebook/report.js";
import { readCheckpoint, writeCheckpoint } from "../train/checkpoint.js";
import { checkAgainstModel } from "../train/checkpoint/verify.js";
import type { EpochLog } from "../train/events.js";
import { fit } from "../train/fit.js";
import { createOptimizer } from "../train/optimizers/registry.js";
import type { FitOptions } from "../train/options.js";
import type { TrainState } from "../train/state.js";
import { createWeighting } from "../train/weighting/registry.js";
import { type RunFigureMeta, runFigure } from "../viz/run-figure.js";
import { historyTable } from "../viz/table.js";
import { type FitData, Model, type OnlyTasks } from "./model.js";

export class Run<T extends string = string> {
  /** @internal */
  constructor(
    /** The trained model (an immutable builder value carrying the weights). */
    readonly model: Model<T>,
    /** @internal Everything needed to resume. */
    readonly state: TrainState,
    /** @internal The options of the fit (in memory only). */
    private readonly fitOptions?: FitOptions<T>,
  ) {
    Object.freeze(this);
  }

  /** One log per finished epoch (keys of src/train/events.ts). */
  get history(): readonly EpochLog[] {
    return this.state.history;
  }

  /** Why training stopped: "completed", "earlyStopping", "interrupted" or "nanLoss". */
  get reason(): TrainState["reason"] {
    return this.state.reason;
  }

  /** A human explanation of the stop, when it was not "completed". */
  get message(): string | undefined {
    return this.state.message;
  }

  get tasks(): readonly T[] {
    return this.state.config.tasks as T[];
  }

  /** Per-task metrics (and loss) on `data`, their means, and delta-m vs `opts.baselines`. */
  evaluate<D extends FitData<T>>(
    data: OnlyTasks<T, D>,
    opts: EvaluateOptions<T> = {},
  ): Promise<Evaluation<T>> {
    return this.model.evaluate(data, {
      metrics: this.state.config.metrics as EvaluateOptions<T>["metrics"],
      ...opts,
    });
  }

  /** The history as a danfojs DataFrame. */
  table(): ReturnType<typeof historyTable> {
    return historyTable(this.history);
  }

  /** A plotly figure of the run ("curves" by default; see viz's figure kinds). */
  plot(kind?: string, meta: RunFigureMeta = {}): ReturnType<typeof runFigure> {
    return runFigure(this.history, kind, { tasks: this.tasks, ...meta });
  }

  /** The run's configuration (tasks, strategy, optimizer, sampler, ...), as saved. */
  get config(): TrainState["config"] {
    return this.state.config;
  }

  /** Writes a self-contained offline HTML report (figures, tables, config, backend); returns its path. */
  report(path: string, args?: ReportArgs): Promise<string> {
    return writeReport(path, this, args);
  }

  /**
   * Saves a checkpoint to `dir`: a new version, committed atomically, so that `dir` holds a
   * loadable checkpoint at every instant (even if this process is killed, or another save
   * races this one). See src/train/checkpoint.ts.
   */
  async save(dir: string): Promise<void> {
    const weights = this.model.def.weights;
    if (!weights) throw new Error("internal: a Run always carries weights");
    await writeCheckpoint(dir, { spec: specToJSON(this.model.def), weights, state: this.state });
  }

  /**
   * Exports the trained model for inference without polytask: `{ format: "tfjs-layers" }`
   * (default; `tf.loadLayersModel`), `"tfjs-graph"` (`tf.loadGraphModel`) or `"savedmodel"`
   * (TensorFlow; both need `npx polytask native setup`). One output per task, named after it.
   */
  export(dir: string, opts?: ExportOptions): Promise<ExportInfo> {
    return this.model.export(dir, opts);
  }

  /**
   * Restores a Run from a checkpoint directory written by `save` (or a `checkpoint` listener).
   * A missing, damaged or mismatched checkpoint fails with a `CheckpointError` naming the file.
   */
  static async load<T extends string = string>(dir: string): Promise<Run<T>> {
    const c = await readCheckpoint(dir);
    const fail = (file: string, problem: string, cause?: unknown): never => {
      const where = c.version ? `${c.version}/${file}` : file;
      throw new CheckpointError(dir, where, problem, cause === undefined ? {} : { cause });
    };
    let def: ReturnType<typeof specFromJSON>;
    try {
      def = specFromJSON(c.spec);
    } catch (cause) {
      return fail("spec.json", `does not describe a model: ${(cause as Error).message}`, cause);
    }
    // build once (without the weights) to check every weight map against the parameters
    // with the run's task groups, so head banks (and their optimizer slots) are as they trained
    let net: Network;
    try {
      const groups = (c.state.loader?.units ?? [])
        .filter((u) => u.tasks.length > 1)
        .map((u) => u.tasks);
      net = await Network.build(def, c.state.config.seed, { groups });
    } catch (cause) {
      return fail("spec.json", `does not build: ${(cause as Error).message}`, cause);
    }
    // weights travel under the members' names; slots and references under the bank's
    const internal = new Map(net.params.map((p) => [p.name, [...p.variable.shape]]));
    const params = new Map(
      net.params.filter((p) => !p.tasks).map((p) => [p.name, [...p.variable.shape]]),
    );
    for (const b of net.banks)
      for (const m of b.members)
        for (const q of [m.kernel, m.bias]) params.set(q.name, [...q.variable.shape]);
    net.dispose();
    checkAgainstModel(c.weights, c.state, params, fail, internal);
    return new Run<T>(new Model<T>({ ...def, weights: c.weights }), c.state);
  }

  /**
   * Continues training exactly where this run stopped (after an interrupt, or with more
   * `epochs`). `opts` override the saved options (epochs, ...); `signal` and `listeners` are
   * not carried over (pass them again). Strategy, sampler and optimizer are rebuilt from the
   * saved config unless this Run was made in this process.
   */
  async resume<D extends FitData<T>>(
    data: OnlyTasks<T, D>,
    opts: FitOptions<T> = {},
  ): Promise<Run<T>> {
    const c = this.state.config;
    // the original signal has usually fired (that is why we resume) and its listeners may
    // hold per-run state: pass them again in `opts` when wanted
    const { signal: _signal, listeners: _listeners, ...saved } = this.fitOptions ?? {};
    const merged: FitOptions<T> = {
      ...(Object.fromEntries(Object.entries(c).filter(([k]) => k !== "tasks")) as FitOptions<T>),
      ...saved,
      // plug-ins given as objects in this process are reused; names are rebuilt from the saved
      // config, which holds their resolved options (e.g. the optimizer's lr)
      sampler:
        typeof saved.sampler === "object"
          ? saved.sampler
          : c.sampler.options !== undefined || c.sampler.name !== "proportional"
            ? createSampler(c.sampler.name, c.sampler.options ?? {})
            : undefined,
      weighting:
        typeof saved.weighting === "object"
          ? saved.weighting
          : createWeighting(c.weighting.name, c.weighting.config),
      optimizer:
        typeof saved.optimizer === "object"
          ? saved.optimizer
          : createOptimizer(c.optimizer.name, c.optimizer.config),
      lr: undefined,
      validationData: saved.validationData,
      ...opts,
    };
    const r = await fit(
      this.model.def,
      data as Readonly<Record<string, AnyDataset | undefined>>,
      merged as FitOptions<string>,
      this.state,
    );
    return new Run<T>(this.model.withWeights(r.weights), r.state, merged);
  }
}

/** `pt.load(dir)`: restores a saved Run. */
export const load = <T extends string = string>(dir: string): Promise<Run<T>> => Run.load<T>(dir);
