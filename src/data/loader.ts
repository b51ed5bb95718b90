/**
 * MultiTaskLoader: yields training Steps (one Batch per task taking part) over several
 * datasets of different sizes, as the TaskSampler's mode says:
 * - "one": each step holds one task's batch, the task picked by the sampler (`pick`) or drawn
 *   with its `probabilities(sizes, progress)`; an epoch is ceil(sum of sizes / batchSize) steps.
 * - "all": each step holds a batch of every task; an epoch is ceil(largest size / batchSize)
 *   steps, and smaller tasks cycle.
 * Each task streams passes over its data (reshuffled every pass, seeded); batches are
 * pass-aligned, so a pass's last batch may be smaller than batchSize.
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
import { type BatchArrays, gather, toBatch } from "./batch.js";
import { drawTask } from "./samplers/draw.js";
import { proportional } from "./samplers/proportional.js";
import { TaskStream, type TaskStreamState } from "./task-stream.js";
import type { Batch, Dataset, Step, TaskSampler } from "./types.js";
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
  /**
   * Independent batches per task and step (weighting strategies such as MoDo and SDMGrad ask
   * for 3): the first is the step's batch, the others its `extra` batches, drawn after it from
   * the same stream. An epoch still passes each task's data once, so it has `samples` times
   * fewer steps. Defaults to 1.
   */
  samples?: number;
}

export interface LoaderState {
  version: 1;
  tasks: string[];
  /** Epoch of the last consumed step, and steps of it consumed. */
  epoch: number;
  step: number;
  /** Steps consumed since the start of training. */
  globalStep: number;
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

type Prepared<T extends string> = {
  arrays: Partial<Record<T, BatchArrays>>;
  extra: Partial<Record<T, BatchArrays[]>>;
  after: LoaderState;
};

/** Disposes every tensor of a Step. */
export function disposeStep(step: Step): void {
  const free = (b: Batch) => {
    const ts: tf.Tensor[] = [b.x, b.y];
    if (b.mask) ts.push(b.mask);
    for (const t of ts) t.dispose();
    for (const e of b.extra ?? []) free(e);
  };
  for (const b of Object.values(step)) if (b) free(b);
}

export class MultiTaskLoader<T extends string = string> {
  readonly tasks: readonly T[];
  readonly datasets: Readonly<Record<T, Dataset>>;
  readonly sampler: TaskSampler;
  readonly mode: "one" | "all";
  readonly batchSize: number;
  readonly samples: number;
  readonly stepsPerEpoch: number;
  readonly sizes: Readonly<Record<T, number>>;
  private readonly epochs?: number;
  private readonly augment: boolean;
  private readonly random: Random;
  private readonly augmentRandom: Random;
  private readonly streams: Record<T, TaskStream>;
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
    this.sizes = Object.fromEntries(entries.map(([t, d]) => [t, d.size])) as Record<T, number>;
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
    const sizes = entries.map((e) => e[1].size);
    this.stepsPerEpoch =
      this.mode === "all"
        ? Math.ceil(Math.max(...sizes) / (bs * k))
        : Math.ceil(sizes.reduce((a, b) => a + b, 0) / (bs * k));
    const seed = args.seed ?? 0;
    const master = new Random(seed);
    this.streams = {} as Record<T, TaskStream>;
    for (const [t, d] of entries)
      this.streams[t] = new TaskStream(d.size, master.fork(), args.shuffle ?? true);
    this.augmentRandom = master.fork();
    this.random = master;
    this.committed = this.liveState(-1, 0, 0);
    this.sampler.probabilities(this.sizes); // validates the sizes once
  }

  /** The sampler's task probabilities at `progress` (for logs). */
  probabilities(progress = 0): Record<T, number> {
    return this.sampler.probabilities(this.sizes, progress) as Record<T, number>;
  }

  getState(): LoaderState {
    return structuredClone(this.committed);
  }

  setState(state: LoaderState): void {
    if (
      state?.version !== 1 ||
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
    this.committed = structuredClone(state);
    this.generation++;
    this.restore(this.committed);
  }

  private liveState(epoch: number, step: number, globalStep: number): LoaderState {
    const streams: Record<string, TaskStreamState> = {};
    for (const t of this.tasks) streams[t] = this.streams[t].getState();
    return {
      version: 1,
      tasks: [...this.tasks],
      epoch,
      step,
      globalStep,
      random: this.random.getState(),
      augment: this.augmentRandom.getState(),
      streams,
    };
  }

  private restore(s: LoaderState): void {
    this.random.setState(s.random);
    this.augmentRandom.setState(s.augment);
    for (const t of this.tasks) this.streams[t].setState(s.streams[t]);
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

  private pickTask(globalStep: number, progress: number): T {
    if (this.sampler.pick) return this.sampler.pick(globalStep, this.tasks) as T;
    return drawTask(this.tasks, this.sampler.probabilities(this.sizes, progress), this.random);
  }

  /** Draws and gathers one step (arrays only), advancing the live state. */
  private prepare(epoch: number, step: number, globalStep: number, progress: number): Prepared<T> {
    const chosen = this.mode === "all" ? this.tasks : [this.pickTask(globalStep, progress)];
    const arrays: Partial<Record<T, BatchArrays>> = {};
    const extra: Partial<Record<T, BatchArrays[]>> = {};
    for (const t of chosen) {
      const idx = this.streams[t].next(this.batchSize);
      arrays[t] = gather(this.datasets[t], idx, this.augmentRandom.nextUint32());
      for (let k = 1; k < this.samples; k++) {
        const more = this.streams[t].next(this.batchSize);
        const list = extra[t] ?? [];
        list.push(gather(this.datasets[t], more, this.augmentRandom.nextUint32()));
        extra[t] = list;
      }
    }
    return { arrays, extra, after: this.liveState(epoch, step + 1, globalStep + 1) };
  }

  private consume(p: Prepared<T>): Step<T> {
    const out: Step<T> = {};
    for (const t of Object.keys(p.arrays) as T[]) {
      const b = toBatch(this.datasets[t], p.arrays[t]!, this.augment);
      const more = p.extra[t];
      out[t] = more
        ? { ...b, extra: more.map((e) => toBatch(this.datasets[t], e, this.augment)) }
        : b;
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
          new Promise<Prepared<T> | undefined>((resolve, reject) =>
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
