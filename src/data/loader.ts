/**
 * MultiTaskLoader: yields training Steps (one Batch per task taking part) over sampling units:
 * a task group (tasks whose datasets share one input, see group.ts) or a single task. The
 * sampler draws units, as its mode says:
 * - "one": each step holds one unit's batch, the unit picked by the sampler (`pick`) or drawn
 *   with its `probabilities(sizes, progress)` over the units' sample counts; an epoch is
 *   ceil(sum of unit sizes / batchSize) steps, so a group's samples pass once per epoch whatever
 *   its number of tasks.
 * - "all": each step holds a batch of every unit; an epoch is ceil(largest size / batchSize)
 *   steps, and smaller units cycle.
 * A group's batch is one set of samples: every member's Batch holds the same `x` tensor and its
 * own labels and mask. Each unit streams passes over its samples (reshuffled every pass,
 * seeded); batches are pass-aligned, so a pass's last batch may be smaller than batchSize.
 *
 * Tensors: a Step's tensors are created when the consumer takes the step and belong to the
 * consumer, who disposes them (or calls `disposeStep`). The loader keeps no tensor, so
 * stopping early leaks nothing. The async iterator prepares the next step's typed arrays
 * (index draws, gathering) in a macrotask while the consumer trains on the current one.
 *
 * Checkpoints: `getState()` after a step is consumed returns a JSON-able state; `setState()`
 * on a loader built with the same datasets and options resumes with exactly the steps an
 * uninterrupted run would have produced next (call `epoch(state.epoch)` to continue).
 */
import type * as tf from "@tensorflow/tfjs";
import { ConfigError, DataError, show } from "../errors.js";
import { Random, type RandomState } from "../util/random.js";
import { disposeBatches, gatherInputs, gatherLabels, inputTensor, labelBatch } from "./batch.js";
import { type Unit, unitsOf } from "./group.js";
import { drawTask } from "./samplers/draw.js";
import { proportional } from "./samplers/proportional.js";
import { TaskStream, type TaskStreamState } from "./task-stream.js";
import type { Dataset, Step, TaskSampler } from "./types.js";
import { checkDataset, checkUniqueNames } from "./validate.js";

export interface MultiTaskLoaderArgs {
  /** Samples per task batch. */
  batchSize: number;
  /** Task sampler. Defaults to `samplers.proportional()`. */
  sampler?: TaskSampler;
  /** Seed of the data order, task draws and augmentation. Defaults to 0. */
  seed?: number;
  /** Reshuffle each task every pass. Defaults to true. */
  shuffle?: boolean;
  /** Overrides the sampler's mode (the trainer sets "all" for gradient-based weighting). */
  mode?: "one" | "all";
  /** Total epochs of training, to compute `progress` for annealed samplers. Optional. */
  epochs?: number;
  /** Apply the datasets' transforms in training mode (random augmentation). Defaults to true. */
  augment?: boolean;
  /** Train task groups (datasets sharing one input) as one unit. Defaults to true. */
  group?: boolean;
  /**
   * Independent batches per unit and step (weighting strategies such as MoDo and SDMGrad ask
   * for 3): the first is the step's batch, the others its `extra` batches, drawn after it from
   * the same stream. An epoch still passes each unit's samples once, so it has `samples` times
   * fewer steps. Defaults to 1.
   */
  samples?: number;
}

export interface LoaderState {
  version: 2;
  tasks: string[];
  /** The sampling units (name, tasks, samples) the state was saved with. */
  units: { name: string; tasks: string[]; size: number }[];
  /** Epoch of the last consumed step, and steps of it consumed. */
  epoch: number;
  step: number;
  /** Steps consumed since the start of training. */
  globalStep: number;
  /** Samples per task when the state was taken (checked on restore; absent in older states). */
  sizes?: Record<string, number>;
  random: RandomState;
  augment: RandomState;
  streams: Record<string, TaskStreamState>;
}

/** What one epoch returns: iterate it with `for` or `for await` (the latter prefetches). */
export interface EpochIterator<T extends string> extends Iterable<Step<T>>, AsyncIterable<Step<T>> {
  readonly epoch: number;
  /** Steps this iteration will yield (fewer than stepsPerEpoch when resuming mid-epoch). */
  readonly steps: number;
}

/** One unit's batch as host arrays, gathered ahead of time (its extra batches too). */
interface PreparedUnit {
  unit: Unit;
  x: Float32Array | Int32Array;
  labels: Record<string, { y: Int32Array | Float32Array; mask?: Float32Array }>;
  size: number;
  seed: number;
  extra: Omit<PreparedUnit, "unit" | "extra">[];
}

type Prepared = { units: PreparedUnit[]; after: LoaderState };

/** Disposes every tensor of a Step (a group's shared input once, extra batches too). */
export function disposeStep(step: Step): void {
  disposeBatches(Object.values(step).flatMap((b) => (b ? [b, ...(b.extra ?? [])] : [])));
}

export type { tf };

export class MultiTaskLoader<T extends string = string> {
  readonly tasks: readonly T[];
  readonly datasets: Readonly<Record<T, Dataset>>;
  /** The sampling units: task groups and single tasks, in task order. */
  readonly units: readonly Unit[];
  readonly sampler: TaskSampler;
  readonly mode: "one" | "all";
  readonly batchSize: number;
  /** Independent batches per unit and step. */
  readonly samples: number;
  readonly stepsPerEpoch: number;
  /** Samples per unit (by unit name): what the sampler weighs. */
  readonly sizes: Readonly<Record<string, number>>;
  private readonly epochs?: number;
  private readonly augment: boolean;
  private readonly random: Random;
  private readonly augmentRandom: Random;
  private readonly streams: Record<string, TaskStream>;
  private committed: LoaderState;
  /** Bumped by each new iteration, so that a stale prefetch never touches the live state. */
  private generation = 0;

  constructor(
    datasets: Record<T, Dataset> | readonly (readonly [T, Dataset])[],
    args: MultiTaskLoaderArgs,
  ) {
    const entries: (readonly [T, Dataset])[] = Array.isArray(datasets)
      ? [...(datasets as readonly (readonly [T, Dataset])[])]
      : (Object.entries(datasets) as [T, Dataset][]);
    if (entries.length === 0)
      throw new DataError("MultiTaskLoader: no tasks were given.", {
        field: "datasets",
        value: 0,
        expected: "at least one task",
      });
    checkUniqueNames(entries.map((e) => e[0]));
    const bs = args?.batchSize;
    if (!Number.isInteger(bs) || bs < 1)
      throw new ConfigError(`MultiTaskLoader: batchSize ${show(bs)} must be an integer >= 1.`, {
        field: "batchSize",
        value: bs,
        expected: "an integer >= 1",
      });
    for (const [t, d] of entries) {
      if (d == null || typeof d !== "object" || !("x" in d) || !("y" in d))
        throw new DataError(`Task "${t}": ${show(d)} is not a Dataset.`, {
          task: t,
          field: "dataset",
          value: d,
          expected: "a Dataset (datasets.fromArrays, datasets.mnist, ...)",
        });
      checkDataset(d, { finite: false });
    }
    this.tasks = entries.map((e) => e[0]);
    this.datasets = Object.fromEntries(entries) as Record<T, Dataset>;
    this.units = unitsOf(this.tasks, this.datasets, { group: args.group });
    this.sizes = Object.fromEntries(this.units.map((u) => [u.name, u.size]));
    this.sampler = args.sampler ?? proportional();
    this.mode = args.mode ?? this.sampler.mode;
    if (this.mode !== "one" && this.mode !== "all")
      throw new ConfigError(`MultiTaskLoader: mode ${show(this.mode)} is not "one" or "all".`, {
        field: "mode",
        value: this.mode,
        expected: '"one" or "all"',
      });
    this.batchSize = bs;
    const k = args.samples ?? 1;
    if (!Number.isInteger(k) || k < 1 || k > 16)
      throw new ConfigError(`MultiTaskLoader: samples ${show(k)} must be an integer in 1..16.`, {
        field: "samples",
        value: k,
        expected: "an integer in 1..16",
      });
    this.samples = k;
    this.epochs = args.epochs;
    this.augment = args.augment ?? true;
    const sizes = this.units.map((u) => u.size);
    this.stepsPerEpoch =
      this.mode === "all"
        ? Math.ceil(Math.max(...sizes) / (bs * k))
        : Math.ceil(sizes.reduce((a, b) => a + b, 0) / (bs * k));
    const seed = args.seed ?? 0;
    const master = new Random(seed);
    this.streams = {};
    for (const u of this.units)
      this.streams[u.name] = new TaskStream(u.size, master.fork(), args.shuffle ?? true);
    this.augmentRandom = master.fork();
    this.random = master;
    this.committed = this.liveState(-1, 0, 0);
    this.sampler.probabilities(this.sizes); // validates the sizes once
  }

  /** The sampler's unit probabilities at `progress` (for logs). */
  probabilities(progress = 0): Record<string, number> {
    return this.sampler.probabilities(this.sizes, progress);
  }

  getState(): LoaderState {
    return structuredClone(this.committed);
  }

  private layout(): LoaderState["units"] {
    return this.units.map((u) => ({ name: u.name, tasks: [...u.tasks], size: u.size }));
  }

  setState(state: LoaderState): void {
    if (
      state?.version !== 2 ||
      !Array.isArray(state.tasks) ||
      state.tasks.join("\0") !== this.tasks.join("\0")
    )
      throw new ConfigError(
        `MultiTaskLoader.setState: the state is for tasks ${show(state?.tasks)}, this loader has ${show(this.tasks)}.`,
        {
          field: "state",
          value: state?.tasks,
          expected: `a state saved by a loader over ${this.tasks.join(", ")}`,
        },
      );
    const now = this.layout();
    const diff = now.find((u, i) => {
      const o = state.units?.[i];
      return (
        !o || o.name !== u.name || o.size !== u.size || o.tasks.join("\0") !== u.tasks.join("\0")
      );
    });
    if (diff || state.units.length !== now.length) {
      const saved = state.units?.find((u) => u.name === diff?.name);
      const sized = saved && diff && saved.size !== diff.size;
      throw new ConfigError(
        sized
          ? `Resume: "${diff.name}" had ${saved.size} training samples when the run was saved and has ${diff.size} now; resume with the same data (and the same validationSplit), or start a new fit.`
          : `Resume: the run was saved with sampling units ${show(state.units?.map((u) => u.name))} and now has ${show(now.map((u) => u.name))}; resume with the same data and grouping.`,
        {
          ...(sized && diff.tasks.length === 1 ? { task: diff.name } : {}),
          field: "data",
          value: now,
          expected: `the units the run was saved with: ${show(state.units)}`,
        },
      );
    }
    this.committed = structuredClone(state);
    this.generation++;
    this.restore(this.committed);
  }

  private liveState(epoch: number, step: number, globalStep: number): LoaderState {
    const streams: Record<string, TaskStreamState> = {};
    for (const u of this.units) streams[u.name] = this.streams[u.name].getState();
    return {
      version: 2,
      tasks: [...this.tasks],
      units: this.layout(),
      epoch,
      step,
      globalStep,
      sizes: { ...this.sizes },
      random: this.random.getState(),
      augment: this.augmentRandom.getState(),
      streams,
    };
  }

  private restore(s: LoaderState): void {
    this.random.setState(s.random);
    this.augmentRandom.setState(s.augment);
    for (const u of this.units) this.streams[u.name].setState(s.streams[u.name]);
  }

  private progressAt(
    epoch: number,
    step: number,
    progress?: number | ((step: number) => number),
  ): number {
    if (typeof progress === "function") return progress(step);
    if (typeof progress === "number") return progress;
    if (!this.epochs) return 0;
    return Math.min(1, (epoch * this.stepsPerEpoch + step) / (this.epochs * this.stepsPerEpoch));
  }

  private pickUnit(globalStep: number, progress: number): Unit {
    const names = this.units.map((u) => u.name);
    const name = this.sampler.pick
      ? this.sampler.pick(globalStep, names)
      : drawTask(names, this.sampler.probabilities(this.sizes, progress), this.random);
    return this.units.find((u) => u.name === name) as Unit;
  }

  /** Draws and gathers one step (arrays only), advancing the live state. */
  private prepare(epoch: number, step: number, globalStep: number, progress: number): Prepared {
    const chosen = this.mode === "all" ? this.units : [this.pickUnit(globalStep, progress)];
    const units = chosen.map((unit): PreparedUnit => {
      const first = this.datasets[unit.tasks[0] as T];
      const draw = () => {
        const idx = this.streams[unit.name].next(this.batchSize);
        const labels: PreparedUnit["labels"] = {};
        for (const t of unit.tasks) labels[t] = gatherLabels(this.datasets[t as T], idx);
        return {
          x: gatherInputs(first, idx),
          labels,
          size: idx.length,
          seed: this.augmentRandom.nextUint32(),
        };
      };
      const main = draw();
      const extra = Array.from({ length: this.samples - 1 }, draw);
      return { unit, ...main, extra };
    });
    return { units, after: this.liveState(epoch, step + 1, globalStep + 1) };
  }

  private consume(p: Prepared): Step<T> {
    const out: Step<T> = {};
    for (const u of p.units) {
      const first = this.datasets[u.unit.tasks[0] as T];
      const name = u.unit.tasks.length > 1 ? u.unit.name : undefined;
      // each batch's input once, shared by the unit's tasks
      const inputs = [u, ...u.extra].map((b) =>
        inputTensor(first, b.x, b.size, b.seed, this.augment),
      );
      for (const t of u.unit.tasks) {
        const d = this.datasets[t as T];
        const b = labelBatch(d, inputs[0], u.labels[t], u.size, name);
        out[t as T] =
          u.extra.length > 0
            ? {
                ...b,
                extra: u.extra.map((e, i) =>
                  labelBatch(d, inputs[i + 1], e.labels[t], e.size, name),
                ),
              }
            : b;
      }
    }
    this.committed = p.after;
    return out;
  }

  /**
   * The steps of epoch `epochIndex` (0-based). If the last consumed step belongs to this epoch
   * (a resumed checkpoint or a broken-off loop), it continues after it. `progress` (a number, or
   * a function of the step within the epoch) feeds annealed samplers; by default it is derived
   * from `epochs` when given, else 0. Use one iteration at a time.
   */
  epoch(epochIndex: number, progress?: number | ((step: number) => number)): EpochIterator<T> {
    if (!Number.isInteger(epochIndex) || epochIndex < 0)
      throw new ConfigError(
        `MultiTaskLoader.epoch: index ${show(epochIndex)} must be an integer >= 0.`,
        {
          field: "epochIndex",
          value: epochIndex,
          expected: "an integer >= 0",
        },
      );
    const c = this.committed;
    const first = c.epoch === epochIndex ? c.step : 0;
    const total = this.stepsPerEpoch;
    const self = this;
    const begin = () => {
      self.generation++;
      self.restore(self.committed);
      return self.committed.globalStep;
    };
    return {
      epoch: epochIndex,
      steps: total - first,
      *[Symbol.iterator]() {
        const g0 = begin();
        const gen = self.generation;
        for (let s = first; s < total; s++) {
          if (gen !== self.generation) return; // superseded by a new iteration
          const p = self.prepare(
            epochIndex,
            s,
            g0 + s - first,
            self.progressAt(epochIndex, s, progress),
          );
          yield self.consume(p);
        }
      },
      async *[Symbol.asyncIterator]() {
        const g0 = begin();
        const gen = self.generation;
        const prep = (s: number) =>
          new Promise<Prepared | undefined>((resolve, reject) =>
            setImmediate(() => {
              if (gen !== self.generation) return resolve(undefined);
              try {
                resolve(
                  self.prepare(
                    epochIndex,
                    s,
                    g0 + s - first,
                    self.progressAt(epochIndex, s, progress),
                  ),
                );
              } catch (e) {
                reject(e);
              }
            }),
          );
        let next = first < total ? prep(first) : undefined;
        for (let s = first; s < total; s++) {
          const p = await next!;
          if (p === undefined || gen !== self.generation) return; // superseded by a new iteration
          next = s + 1 < total ? prep(s + 1) : undefined;
          yield self.consume(p);
        }
      },
    };
  }
}
