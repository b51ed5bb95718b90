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
 * Where a unit's samples come from (unit-feed.ts): in-memory units gather seeded pass
 * permutations from their arrays; streamed units (`datasets.fromParquet`) read a SampleSource
 * (one ParquetSource per unit, its generator forked from the loader's), which only the async
 * iterator can wait for; `close()` stops the sources (fit calls it when the run ends).
 *
 * Tensors: a Step's tensors are created when the consumer takes the step and belong to the
 * consumer, who disposes them (or calls `disposeStep`). The loader keeps no tensor, so
 * stopping early leaks nothing. The async iterator prepares the next step's typed arrays
 * (index draws, gathering, source reads) while the consumer trains on the current one.
 *
 * Checkpoints: `getState()` after a step is consumed returns a JSON-able state (with each
 * source's exact position as it was right after that step was read); `setState()` on a loader
 * built with the same datasets and options resumes with exactly the steps an uninterrupted run
 * would have produced next (call `epoch(state.epoch)` to continue).
 *
 * Beside it: loader-args.ts (the options and their checks), loader-state.ts (the checkpoint
 * state), loader-step.ts (a step's host arrays and their tensors), unit-feed.ts (the units' samples).
 */
import type * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../errors.js";
import { Random } from "../util/random.js";
import { type Unit, unitsOf } from "./group.js";
import { type MultiTaskLoaderArgs, checkLoaderArgs, checkMode } from "./loader-args.js";
import { type LoaderState, checkLoaderState, layoutOf } from "./loader-state.js";
import { type Drawn, type PreparedUnit, stepTensors } from "./loader-step.js";
import { drawTask } from "./samplers/draw.js";
import { proportional } from "./samplers/proportional.js";
import type { SourceState, SourceStats } from "./stream/types.js";
import type { TaskStreamState } from "./task-stream.js";
import type { AnyDataset, Step, TaskSampler } from "./types.js";
import { MemoryFeed, SourceFeed, type UnitArrays, type UnitFeed } from "./unit-feed.js";

export { disposeStep } from "./loader-step.js";
export type { MultiTaskLoaderArgs };
export type { LoaderState };

/** What one epoch returns: iterate it with `for` or `for await` (the latter prefetches). */
export interface EpochIterator<T extends string> extends Iterable<Step<T>>, AsyncIterable<Step<T>> {
  readonly epoch: number;
  /** Steps this iteration will yield (fewer than stepsPerEpoch when resuming mid-epoch). */
  readonly steps: number;
}

type Prepared = { units: PreparedUnit[]; after: LoaderState };

export type { tf };

export class MultiTaskLoader<T extends string = string> {
  readonly tasks: readonly T[];
  readonly datasets: Readonly<Record<T, AnyDataset>>;
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
  private readonly feeds: Record<string, UnitFeed>;
  /** Whether some unit is streamed (its steps can only be read asynchronously). */
  readonly streamed: boolean;
  private committed: LoaderState;
  /** The state after the last prepared step: when it is the committed one, sources need no restore. */
  private live?: LoaderState;
  /** Bumped by each new iteration, so that a stale prefetch never touches the live state. */
  private generation = 0;
  /** The prepare in progress (never rejects), awaited before a new iteration or close. */
  private inflight: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    datasets: Record<T, AnyDataset> | readonly (readonly [T, AnyDataset])[],
    args: MultiTaskLoaderArgs,
  ) {
    const { entries, batchSize: bs, samples: k } = checkLoaderArgs(datasets, args);
    this.tasks = entries.map((e) => e[0]);
    this.datasets = Object.fromEntries(entries) as Record<T, AnyDataset>;
    this.units = unitsOf(this.tasks, this.datasets, { group: args.group });
    this.sizes = Object.fromEntries(this.units.map((u) => [u.name, u.size]));
    this.sampler = args.sampler ?? proportional();
    this.mode = checkMode(args.mode ?? this.sampler.mode);
    this.batchSize = bs;
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
    const shuffle = args.shuffle ?? true;
    this.feeds = {};
    const all = this.datasets as unknown as Record<string, never>;
    for (const u of this.units)
      this.feeds[u.name] = u.table
        ? new SourceFeed(u, all, master.fork(), shuffle)
        : new MemoryFeed(u, all, master.fork(), shuffle);
    this.streamed = this.units.some((u) => u.table !== undefined);
    this.augmentRandom = master.fork();
    this.random = master;
    this.committed = this.liveState(-1, 0, 0);
    this.live = this.committed;
    this.sampler.probabilities(this.sizes); // validates the sizes once
  }

  /** The sampler's unit probabilities at `progress` (for logs). */
  probabilities(progress = 0): Record<string, number> {
    return this.sampler.probabilities(this.sizes, progress);
  }

  getState(): LoaderState {
    return structuredClone(this.committed);
  }

  setState(state: LoaderState): void {
    checkLoaderState(state, this.tasks, this.units);
    this.committed = structuredClone(state);
    this.generation++;
    this.restore(this.committed, true);
  }

  private liveState(epoch: number, step: number, globalStep: number): LoaderState {
    const streams: Record<string, TaskStreamState> = {};
    const sources: Record<string, SourceState> = {};
    for (const f of Object.values(this.feeds))
      if (f.streamed) sources[f.unit.name] = f.getState();
      else streams[f.unit.name] = f.getState();
    return {
      version: 2,
      tasks: [...this.tasks],
      units: layoutOf(this.units),
      epoch,
      step,
      globalStep,
      sizes: { ...this.sizes },
      random: this.random.getState(),
      augment: this.augmentRandom.getState(),
      streams,
      ...(this.streamed ? { sources } : {}),
    };
  }

  /**
   * Puts the live state back to `s`. A source is only reset when it may have moved past `s`
   * (`force`, or a step prepared after `s`): restoring one rereads its buffered row groups.
   */
  private restore(s: LoaderState, force: boolean): void {
    this.random.setState(s.random);
    this.augmentRandom.setState(s.augment);
    const sources = force || this.live !== s;
    for (const f of Object.values(this.feeds))
      if (!f.streamed) f.setState(s.streams[f.unit.name]);
      else if (sources) f.setState((s.sources as Record<string, SourceState>)[f.unit.name]);
    this.live = s;
  }

  /** The sources' memory use by unit name (streamed units only). */
  sourceStats(): Record<string, SourceStats> {
    const out: Record<string, SourceStats> = {};
    for (const f of Object.values(this.feeds)) if (f.streamed) out[f.unit.name] = f.stats();
    return out;
  }

  /**
   * Ends the loader: waits for a prefetch in progress and closes the streamed units' sources
   * (their buffers and prefetched row groups are dropped). The loader cannot iterate afterwards.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    await this.inflight;
    await Promise.all(Object.values(this.feeds).map((f) => (f.streamed ? f.close() : undefined)));
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

  private chosen(globalStep: number, progress: number): readonly Unit[] {
    return this.mode === "all" ? this.units : [this.pickUnit(globalStep, progress)];
  }

  /**
   * Gathers one step (arrays only) from the chosen units, advancing the live state: per unit
   * `samples` batches (the step's and its extra ones); `read` holds the streamed units' batches,
   * already read. Synchronous, so that nothing interleaves.
   */
  private assemble(
    chosen: readonly Unit[],
    read: readonly (readonly UnitArrays[] | undefined)[],
    at: { epoch: number; step: number; globalStep: number },
  ): Prepared {
    const units = chosen.map((unit, i): PreparedUnit => {
      const f = this.feeds[unit.name];
      const draw = (a: UnitArrays): Drawn => ({ ...a, seed: this.augmentRandom.nextUint32() });
      const [main, ...extra] = f.streamed
        ? (read[i] as UnitArrays[]).map(draw)
        : Array.from({ length: this.samples }, () => draw(f.take(this.batchSize)));
      return { unit, ...main, extra };
    });
    const after = this.liveState(at.epoch, at.step + 1, at.globalStep + 1);
    this.live = after;
    return { units, after };
  }

  /** Draws and gathers one step of in-memory units. */
  private prepare(epoch: number, step: number, globalStep: number, progress: number): Prepared {
    return this.assemble(this.chosen(globalStep, progress), [], { epoch, step, globalStep });
  }

  /** Draws one step, reading the streamed units' sources first. */
  private async prepareAsync(
    epoch: number,
    step: number,
    globalStep: number,
    progress: number,
  ): Promise<Prepared> {
    const chosen = this.chosen(globalStep, progress);
    const read = await Promise.all(
      chosen.map(async (u) => {
        const f = this.feeds[u.name];
        if (!f.streamed) return undefined;
        const out: UnitArrays[] = [];
        for (let j = 0; j < this.samples; j++) out.push(await f.read(this.batchSize));
        return out;
      }),
    );
    return this.assemble(chosen, read, { epoch, step, globalStep });
  }

  private consume(p: Prepared): Step<T> {
    const out = stepTensors<T>(p.units, this.datasets, this.augment);
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
    if (this.closed)
      throw new ConfigError("MultiTaskLoader.epoch: the loader is closed.", {
        field: "loader",
        value: "closed",
        expected: "a loader that was not closed",
      });
    const c = this.committed;
    const first = c.epoch === epochIndex ? c.step : 0;
    const total = this.stepsPerEpoch;
    const self = this;
    const begin = () => {
      self.generation++;
      self.restore(self.committed, false);
      return self.committed.globalStep;
    };
    return {
      epoch: epochIndex,
      steps: total - first,
      *[Symbol.iterator]() {
        if (self.streamed) {
          const u = self.units.find((v) => v.table) as Unit;
          throw new ConfigError(
            `MultiTaskLoader: "${u.name}" is streamed from disk, so its steps must be awaited; iterate with \`for await (const step of loader.epoch(${epochIndex}))\`.`,
            { task: u.name, field: "iteration", value: "sync", expected: "for await" },
          );
        }
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
        await self.inflight; // a superseded iteration's prefetch may still be reading
        if (self.closed) return;
        const g0 = begin();
        const gen = self.generation;
        const prep = (s: number): Promise<Prepared | undefined> => {
          const p = new Promise<Prepared | undefined>((resolve, reject) =>
            setImmediate(() => {
              if (gen !== self.generation) return resolve(undefined);
              const at = [
                epochIndex,
                s,
                g0 + s - first,
                self.progressAt(epochIndex, s, progress),
              ] as const;
              try {
                if (!self.streamed) resolve(self.prepare(...at));
                else self.prepareAsync(...at).then(resolve, reject);
              } catch (e) {
                reject(e);
              }
            }),
          );
          // a prefetch that fails after the consumer stopped is nobody's error
          self.inflight = p.catch(() => undefined);
          return p;
        };
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
