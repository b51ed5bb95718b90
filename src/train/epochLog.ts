import type { Dataset } from "../data/types.js";
/** Per-epoch accumulation of step results and the EpochLog built from them (events.ts keys). */
import { TaskAccumulator } from "../eval/accumulate.js";
import { evaluateNetwork, meanOverTasks } from "../eval/evaluate.js";
import type { Network } from "../model/network.js";
import type { EpochLog } from "./events.js";
import type { StepResult } from "./step.js";

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

  addStep(res: StepResult): void {
    let total = 0;
    for (const [t, l] of Object.entries(res.losses)) {
      const w = res.weights[t] ?? 1;
      total += w * l;
      const o = res.outputs[t];
      this.acc.get(t)?.addLoss(l, o ? o.batch.size : 1);
      this.weightSum.set(t, (this.weightSum.get(t) ?? 0) + w);
      this.weightCount.set(t, (this.weightCount.get(t) ?? 0) + 1);
    }
    for (const [t, o] of Object.entries(res.outputs)) this.acc.get(t)?.add(o.pred, o.batch);
    this.totalSum += total;
    this.steps++;
  }
}

export function epochLog(a: {
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
}): EpochLog {
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
    const res = evaluateNetwork(a.net, a.val, metrics, a.evalBatchSize);
    for (const [t, r] of Object.entries(res))
      for (const [k, v] of Object.entries(r)) log[`val/${t}/${k}`] = v;
    for (const [k, v] of Object.entries(meanOverTasks(res))) log[`val/mean/${k}`] = v;
  }
  Object.assign(log, a.extra ?? {});
  return log as EpochLog;
}
