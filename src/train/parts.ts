/**
 * The stateful parts of one run. Each part owns one key of `TrainState` and knows how to get,
 * set and dispose its state, so the loop collects a checkpoint (`collectState`) and restores one
 * (`restoreState`) without assembling either by hand, and rolls a step back (`snapshot`) without
 * knowing what each part holds.
 */
import { MultiTaskLoader } from "../data/loader.js";
import { ConfigError } from "../errors.js";
import { Network } from "../model/network.js";
import type { Param } from "../model/params.js";
import type { ModelDef } from "../model/spec.js";
import { Random } from "../util/random.js";
import { TrainingAnalysis } from "./analysis.js";
import { defaultListeners } from "./defaults.js";
import { EarlyStopping } from "./earlyStopping.js";
import { EpochStats, type EpochStatsState } from "./epochLog.js";
import type { EpochLog, TrainingListener } from "./events.js";
import { GradientAccumulator } from "./grad-accumulator.js";
import { StopController } from "./interrupt.js";
import { CheckpointListener, VerboseListener } from "./listeners.js";
import { LrMultipliers } from "./optimizers/multipliers.js";
import type { OptimizerInstance } from "./optimizers/types.js";
import type { FitOptions } from "./options.js";
import { Regularizer } from "./regularize.js";
import type { FitSetup } from "./setup.js";
import type { TrainState } from "./state.js";
import { type Snapshot, combineSnapshots, snapshotVariables } from "./transaction.js";
import type { WeightingInstance } from "./weighting/types.js";

/** One key of the run's state: how to read it, restore it and free what holds it. */
export interface StatefulPart<K extends keyof TrainState = keyof TrainState> {
  readonly key: K;
  getState(): TrainState[K] | Promise<TrainState[K]>;
  setState(state: TrainState[K]): void;
}

/** The loop's counters (not a part: they are the checkpoint's own fields). */
export class Clock {
  epoch = 0;
  step = 0;
  private time0 = 0;
  private readonly started = performance.now();

  elapsed(): number {
    return this.time0 + (performance.now() - this.started) / 1000;
  }

  now(): { epoch: number; step: number; time: number } {
    return { epoch: this.epoch, step: this.step, time: this.elapsed() };
  }

  restore(s: { epoch: number; step: number; time: number }): void {
    this.epoch = s.epoch;
    this.step = s.step;
    this.time0 = s.time;
  }
}

/** The accumulator of the epoch in progress; a new one at every epoch boundary. */
export class EpochStatsPart implements StatefulPart<"epochStats"> {
  readonly key = "epochStats";
  current: EpochStats;

  constructor(private readonly make: () => EpochStats) {
    this.current = make();
  }

  reset(): void {
    this.current = this.make();
  }

  getState(): EpochStatsState | undefined {
    return this.current.steps > 0 ? this.current.getState() : undefined;
  }

  setState(s: EpochStatsState | undefined): void {
    this.reset();
    if (s) this.current.setState(s);
  }
}

export interface RunParts {
  readonly net: Network;
  readonly trainable: readonly Param[];
  /** Every variable a step may change and whose finiteness is checked after it. */
  readonly watched: readonly import("@tensorflow/tfjs").Variable[];
  readonly loader: MultiTaskLoader;
  readonly optimizer: OptimizerInstance;
  /** Per-part learning-rate multipliers (`lrMultipliers`), when given. */
  readonly multipliers?: LrMultipliers;
  /** The open gradient-accumulation window (`accumulate` > 1). */
  readonly accumulator?: GradientAccumulator;
  readonly instance: WeightingInstance;
  readonly reg: Regularizer;
  readonly random: Random;
  readonly weightingRandom: Random;
  readonly analysis: TrainingAnalysis;
  readonly stats: EpochStatsPart;
  readonly history: EpochLog[];
  readonly clock: Clock;
  readonly stopper: StopController;
  readonly listeners: TrainingListener[];
  readonly parts: readonly StatefulPart[];
  /** A rollback point for one step. */
  snapshot(): Promise<Snapshot>;
  dispose(): void;
}

/** Builds every part of a run; on failure disposes what was built. */
export async function buildParts(
  def: ModelDef,
  s: FitSetup,
  opts: FitOptions<string>,
  resume?: TrainState,
): Promise<RunParts> {
  const loader = new MultiTaskLoader(s.train, {
    batchSize: s.batchSize,
    sampler: s.sampler,
    seed: s.seed,
    epochs: s.epochs,
    mode: s.strategy.needs === "losses" ? undefined : "all",
    group: opts.group,
    samples: s.strategy.samples ?? 1,
  });
  // the heads of a task group that read one representation become one bank (heads/bank.ts)
  const net = await Network.build(def, s.seed, {
    groups: s.units.filter((u) => u.tasks.length > 1).map((u) => u.tasks),
  });
  const disposers: (() => void)[] = [() => net.dispose()];
  const dispose = () => {
    for (const d of disposers.reverse()) d();
  };
  try {
    if (s.strategy.needs === "representationGradients") checkSharedRepresentation(net, s);
    const trainable = net.trainableParams();
    if (trainable.length === 0)
      throw new ConfigError(
        "Every parameter is frozen: nothing to train. Unfreeze a part (model.unfreeze(...)).",
        { field: "freeze" },
      );
    const instance = s.strategy.create(s.tasks, { seed: s.seed });
    disposers.push(() => instance.dispose());
    const optimizer = s.optimizer.create();
    disposers.push(() => optimizer.dispose());
    const multipliers = s.lrMultipliers
      ? new LrMultipliers(s.lrMultipliers, net.params)
      : undefined;
    const named = new Map<string, import("@tensorflow/tfjs").Variable>([
      ...trainable.map((q) => [q.name, q.variable] as const),
      ...instance.variables.map((v, i) => [`weighting/${i}`, v] as const),
    ]);
    const accumulator =
      s.accumulate > 1 ? new GradientAccumulator(s.accumulate, (n) => named.get(n)) : undefined;
    if (accumulator) disposers.push(() => accumulator.dispose());
    const reg = new Regularizer(trainable, opts.regularize, resume?.theta0);
    disposers.push(() => reg.dispose());
    const stopper = new StopController(opts.signal, opts.handleSigint ?? true);
    disposers.push(() => stopper.dispose());
    const master = new Random((s.seed ^ 0x5bd1e995) >>> 0);
    const random = master.fork();
    const weightingRandom = master.fork();
    const history: EpochLog[] = [];
    const stats = new EpochStatsPart(() => new EpochStats(s.tasks, (t) => net.head(t).units));
    const listeners: TrainingListener[] = [
      ...(opts.earlyStopping ? [new EarlyStopping(opts.earlyStopping)] : []),
      ...(opts.listeners ?? defaultListeners()),
      ...(opts.checkpoint ? [new CheckpointListener(opts.checkpoint)] : []),
      ...(opts.verbose ? [new VerboseListener()] : []),
    ];
    const stateful = listeners.filter((l) => l.stateKey && l.getState && l.setState);
    const parts: StatefulPart[] = [
      part(
        "loader",
        () => loader.getState(),
        (v) => loader.setState(v),
      ),
      part(
        "optimizer",
        () => optimizer.getState(),
        (v) => optimizer.setState(v),
      ),
      part(
        "weighting",
        () => instance.getState(),
        (v) => instance.setState(v),
      ),
      part(
        "random",
        () => random.getState(),
        (v) => random.setState(v),
      ),
      part(
        "weightingRandom",
        () => weightingRandom.getState(),
        (v) => weightingRandom.setState(v),
      ),
      // the L2-SP reference is restored when the regulariser is built (above)
      part(
        "theta0",
        async () => (reg.active ? await reg.referenceWeights() : undefined),
        () => {},
      ),
      part(
        "history",
        () => [...history],
        (v) => history.splice(0, history.length, ...v),
      ),
      stats,
      part(
        "accumulator",
        async () => accumulator?.getState(),
        (v) => accumulator?.setState(v),
      ),
      part(
        "listeners",
        async () => {
          const out: Record<string, unknown> = {};
          for (const l of stateful) out[l.stateKey as string] = await l.getState?.();
          return out;
        },
        (v) => {
          for (const l of stateful) {
            const saved = v?.[l.stateKey as string];
            if (saved !== undefined) l.setState?.(saved);
          }
        },
      ),
    ];
    const stateParams = net.params.filter((q) => !q.trainable).map((q) => q.variable);
    const watched = [...trainable.map((q) => q.variable), ...instance.variables];
    const runParts: RunParts = {
      net,
      trainable,
      watched,
      loader,
      optimizer,
      multipliers,
      accumulator,
      instance,
      reg,
      random,
      weightingRandom,
      analysis: new TrainingAnalysis(opts.analysis ?? {}, net, s.tasks),
      stats,
      history,
      clock: new Clock(),
      stopper,
      listeners,
      parts,
      async snapshot() {
        const rngs = [random, weightingRandom].map((r) => ({ r, s: r.getState() }));
        // strategies whose state lives in JS (not in variables) are restored from their state;
        // those with device state (variables, stateVariables) save their host part cheaply
        const hosted = instance.saveHost !== undefined;
        const jsState = hosted
          ? instance.saveHost?.()
          : instance.variables.length === 0 && !instance.stateVariables?.length
            ? await instance.getState()
            : undefined;
        const vars = snapshotVariables([
          ...watched,
          ...stateParams,
          ...(instance.stateVariables ?? []),
        ]);
        const opt = optimizer.snapshot();
        let done = false;
        const all = combineSnapshots([vars, opt, ...(accumulator ? [accumulator.snapshot()] : [])]);
        return {
          restore: () => {
            if (done) return;
            done = true;
            all.restore();
            for (const { r, s: st } of rngs) r.setState(st);
            if (hosted) instance.restoreHost?.(jsState);
            else if (jsState !== undefined) instance.setState(jsState);
          },
          release: () => {
            if (done) return;
            done = true;
            all.release();
          },
        };
      },
      dispose,
    };
    return runParts;
  } catch (e) {
    dispose();
    throw e;
  }
}

/**
 * Representation-level gradients (MGDA-UB) compare the tasks' gradients w.r.t. one shared
 * representation of one batch: every task in one group, on a hard-shared backbone.
 */
function checkSharedRepresentation(net: Network, s: FitSetup): void {
  const one = s.units.length === 1 ? s.units[0] : undefined;
  if (one && net.sharesRepresentation(one.tasks)) return;
  const why =
    s.units.length > 1
      ? `they form ${s.units.length} sampling units (${s.units.map((u) => u.tasks.join("+")).join(", ")}), each with its own input`
      : "the architecture gives each task its own representation (or a task has an input adapter)";
  throw new ConfigError(
    `Weighting "${s.strategy.name}" in representation mode needs one representation shared by every task of one batch, but tasks ${s.tasks.join(", ")} have none: ${why}. Use { mode: "shared" } (per-task gradients of the shared parameters), or train tasks that label one input as a group (datasets.fromArrays({ x, y: { a, b } })).`,
    { field: "weighting.mode", value: "representation", expected: '"shared"' },
  );
}

function part<K extends keyof TrainState>(
  key: K,
  get: () => TrainState[K] | Promise<TrainState[K]>,
  set: (v: TrainState[K]) => void,
): StatefulPart<K> {
  return { key, getState: get, setState: set };
}

/** Every part's state, by key. */
export async function collectState(
  p: RunParts,
): Promise<Omit<TrainState, "config" | "epoch" | "step" | "time" | "reason" | "message">> {
  const out: Record<string, unknown> = {};
  for (const q of p.parts) {
    const v = await q.getState();
    if (v !== undefined) out[q.key] = v;
  }
  return out as Omit<TrainState, "config" | "epoch" | "step" | "time" | "reason" | "message">;
}

/** Puts a saved state back into every part and the clock. */
export function restoreState(p: RunParts, state: TrainState): void {
  p.clock.restore(state);
  for (const q of p.parts) (q as StatefulPart).setState(state[q.key] as never);
}
