import { create as createSampler } from "../data/samplers/index.js";
/**
 * `Run`: the result of `fit`. Tensor-free (weights as typed arrays), so it needs no disposal.
 * `history`, `evaluate(data)`, `table()`, `plot(kind?)`, `save(dir)`, `load(dir)`,
 * `resume(data)` to continue exactly where training stopped, and `model` to keep going
 * (fine-tune further, add a head for transfer).
 */
import type { Dataset } from "../data/types.js";
import type { EvaluateOptions, Evaluation } from "../eval/evaluate.js";
import { Network } from "../model/network.js";
import { specFromJSON, specToJSON } from "../model/spec.js";
import { type ReportArgs, report as writeReport } from "../notebook/report.js";
import { readCheckpoint, writeCheckpoint } from "../train/checkpoint.js";
import type { EpochLog } from "../train/events.js";
import { fit } from "../train/fit.js";
import { createOptimizer } from "../train/optimizers/registry.js";
import type { FitOptions } from "../train/options.js";
import type { TrainState } from "../train/state.js";
import { createWeighting } from "../train/weighting/registry.js";
import { type RunFigureMeta, runFigure } from "../viz/run-figure.js";
import { historyTable } from "../viz/table.js";
import { Model, type OnlyTasks } from "./model.js";

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
  evaluate<D extends { readonly [K in T]?: Dataset }>(
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

  /** Writes a checkpoint directory atomically. */
  async save(dir: string): Promise<void> {
    const weights = this.model.def.weights;
    if (!weights) throw new Error("internal: a Run always carries weights");
    await writeCheckpoint(dir, { spec: specToJSON(this.model.def), weights, state: this.state });
  }

  /** Restores a Run from a checkpoint directory written by `save`. */
  static async load<T extends string = string>(dir: string): Promise<Run<T>> {
    const c = await readCheckpoint(dir);
    const def = specFromJSON(c.spec);
    const model = new Model<T>({ ...def, weights: c.weights });
    // Build once to check that the weights fit the spec (another architecture -> typed error).
    const net = await Network.build(model.def, c.state.config.seed);
    net.dispose();
    return new Run<T>(model, c.state);
  }

  /**
   * Continues training exactly where this run stopped (after an interrupt, or with more
   * `epochs`). `opts` override the saved options (epochs, ...); `signal` and `listeners` are
   * not carried over (pass them again). Strategy, sampler and optimizer are rebuilt from the
   * saved config unless this Run was made in this process.
   */
  async resume<D extends { readonly [K in T]?: Dataset }>(
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
      data as Readonly<Record<string, Dataset | undefined>>,
      merged as FitOptions<string>,
      this.state,
    );
    return new Run<T>(this.model.withWeights(r.weights), r.state, merged);
  }
}

/** `pt.load(dir)`: restores a saved Run. */
export const load = <T extends string = string>(dir: string): Promise<Run<T>> => Run.load<T>(dir);
