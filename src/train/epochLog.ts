/**
 * Per-epoch accumulation of step results (host values, read once per step by the loop) and the
 * EpochLog built from them (events.ts keys). The accumulation is part of the run's state, so a
 * run interrupted mid-epoch and resumed logs the same epoch as an uninterrupted one.
 */
import type { Dataset } from "../data/types.js";
import { TaskAccumulator, type TaskAccumulatorState } from "../eval/accumulate.js";
import { evaluateNetwork, meanOverTasks } from "../eval/evaluate.js";
import type { Network } from "../model/network.js";
import type { EpochLog } from "./events.js";
import type { TaskOutput } from "./step.js";

/** A step's values on the host: what the loop read in its one read per step. */
export interface StepValues {
  readonly active: readonly boolean[];
  readonly losses: Float32Array;
  /** Task weights, or null when the update is no weighted sum. */
  readonly weights: ArrayLike<number> | null;
  /** Predictions of each task that took part ([n, units], sample-major). */
  readonly preds: Readonly<Record<string, Float32Array>>;
}

export interface EpochStatsState {
  tasks: Record<string, TaskAccumulatorState>;
  weightSum: Record<string, number>;
  weightCount: Record<string, number>;
  totalSum: number;
  steps: number;
}

export class EpochStats {
  readonly acc = new Map<string, TaskAccumulator>();
  readonly weightSum = new Map<string, number>();
  readonly weightCount = new Map<string, number>();
  totalSum = 0;
  steps = 0;

  constructor(
    readonly tasks: readonly string[],
    units: (t: string) => number,
  ) {
    for (const t of tasks) this.acc.set(t, new TaskAccumulator(units(t)));
  }

  addStep(v: StepValues, outputs: Readonly<Record<string, TaskOutput>>): void {
    let total = 0;
    this.tasks.forEach((t, i) => {
      if (!v.active[i]) return;
      const w = v.weights ? v.weights[i] : 1;
      const l = v.losses[i];
      total += w * l;
      const o = outputs[t];
      this.acc.get(t)?.addLoss(l, o ? (o.batch.labelled ?? o.batch.size) : 1);
      this.weightSum.set(t, (this.weightSum.get(t) ?? 0) + w);
      this.weightCount.set(t, (this.weightCount.get(t) ?? 0) + 1);
      const p = v.preds[t];
      const host = o?.batch.host;
      if (p && host) this.acc.get(t)?.addHost(p, host.y, host.mask, o.batch.size);
    });
    this.totalSum += total;
    this.steps++;
  }

  getState(): EpochStatsState {
    return {
      tasks: Object.fromEntries([...this.acc].map(([t, a]) => [t, a.getState()])),
      weightSum: Object.fromEntries(this.weightSum),
      weightCount: Object.fromEntries(this.weightCount),
      totalSum: this.totalSum,
      steps: this.steps,
    };
  }

  setState(s: EpochStatsState): void {
    for (const [t, a] of this.acc) if (s.tasks[t]) a.setState(s.tasks[t]);
    this.weightSum.clear();
    this.weightCount.clear();
    for (const [t, v] of Object.entries(s.weightSum)) this.weightSum.set(t, v);
    for (const [t, v] of Object.entries(s.weightCount)) this.weightCount.set(t, v);
    this.totalSum = s.totalSum;
    this.steps = s.steps;
  }
}

/**
 * Every key an epoch log of this run can hold (what `epochLog` writes), known before training:
 * checks such as early stopping's `monitor` use it to fail before the first step.
 */
export function logKeys(a: {
  tasks: readonly string[];
  metricsFor: (t: string) => readonly string[];
  /** Tasks with validation data. */
  validation: readonly string[];
  /** Keys of further entries (analysis). */
  extra?: readonly string[];
}): string[] {
  const keys = ["epoch", "step", "time", "lr", "loss"];
  for (const t of a.tasks)
    keys.push(`loss/${t}`, ...a.metricsFor(t).map((m) => `${m}/${t}`), `weight/${t}`);
  const v = a.validation;
  for (const t of v) keys.push(`val/${t}/loss`, ...a.metricsFor(t).map((m) => `val/${t}/${m}`));
  if (v.length)
    for (const m of ["loss", ...a.metricsFor(v[0])])
      if (v.every((t) => m === "loss" || a.metricsFor(t).includes(m))) keys.push(`val/mean/${m}`);
  return [...keys, ...(a.extra ?? [])];
}

export async function epochLog(a: {
  net: Network;
  tasks: readonly string[];
  epoch: number;
  step: number;
  lr: number;
  time: number;
  stats: EpochStats;
  val?: Readonly<Record<string, Dataset | undefined>>;
  metricsFor: (t: string) => readonly string[];
  evalBatchSize?: number;
  /** Further entries (analysis means). */
  extra?: Readonly<Record<string, number>>;
}): Promise<EpochLog> {
  const log: Record<string, number> = {
    epoch: a.epoch,
    step: a.step,
    time: a.time,
    lr: a.lr,
    loss: a.stats.steps ? a.stats.totalSum / a.stats.steps : Number.NaN,
  };
  for (const t of a.tasks) {
    const acc = a.stats.acc.get(t) as TaskAccumulator;
    log[`loss/${t}`] = acc.loss;
    if (acc.n > 0)
      for (const [k, v] of Object.entries(acc.metrics(a.metricsFor(t)))) log[`${k}/${t}`] = v;
    const c = a.stats.weightCount.get(t) ?? 0;
    log[`weight/${t}`] = c ? (a.stats.weightSum.get(t) ?? 0) / c : Number.NaN;
  }
  if (a.val) {
    const metrics = Object.fromEntries(a.tasks.map((t) => [t, a.metricsFor(t)]));
    const res = await evaluateNetwork(a.net, a.val, metrics, a.evalBatchSize);
    for (const [t, r] of Object.entries(res))
      for (const [k, v] of Object.entries(r)) log[`val/${t}/${k}`] = v;
    for (const [k, v] of Object.entries(meanOverTasks(res))) log[`val/mean/${k}`] = v;
  }
  Object.assign(log, a.extra ?? {});
  return log as EpochLog;
}
