/**
 * Optional training-time analysis (`fit(..., { analysis: { every: 50 } })`): every `every`
 * steps, before the update, the pairwise cosine of the tasks' shared-parameter gradients (sent
 * with the step event as `gradientCosine`) and, with `affinity: true`, the lookahead task
 * affinity (Fifty et al. 2021); epoch means are logged as `cosine/<a>/<b>`, `affinity/<a>/<b>`.
 * Cross-task entries need steps that hold every task: a sampler in mode "all" (e.g.
 * `samplers.proportional({ mode: "all" })`) or a gradient-based strategy. The analyses
 * themselves live in src/eval/analysis.
 */
import type { Step } from "../data/types.js";
import { AnalysisAccumulator } from "../eval/analysis/accumulator.js";
import { lookaheadAffinity } from "../eval/analysis/affinity.js";
import { gradientCosine } from "../eval/analysis/conflict.js";
import { networkProbe, sharedTaskGradients } from "../eval/analysis/probe.js";
import type { Network } from "../model/network.js";

export interface AnalysisOptions {
  /** Sample every this many steps; `0` turns analysis off. Defaults to `0`. */
  every?: number;
  /** Gradient cosine between tasks. Defaults to `true`. */
  cosine?: boolean;
  /** Lookahead task affinity (one extra backward pass per task). Defaults to `false`. */
  affinity?: boolean;
}

export class TrainingAnalysis {
  private readonly acc: AnalysisAccumulator;

  constructor(
    private readonly opts: AnalysisOptions,
    private readonly net: Network,
    private readonly tasks: readonly string[],
  ) {
    this.acc = new AnalysisAccumulator(tasks);
  }

  get active(): boolean {
    return (this.opts.every ?? 0) > 0 && this.net.trainableParams().some((p) => p.shared);
  }

  /** Samples the analyses on this step's batches when due; returns the cosine matrix. */
  async sample(step: number, batch: Step, lr: number): Promise<number[][] | undefined> {
    const every = this.opts.every ?? 0;
    if (!this.active || step % every !== 0) return undefined;
    const probe = networkProbe(this.net, batch);
    let cos: number[][] | undefined;
    if (this.opts.cosine ?? true) {
      const { grads } = await sharedTaskGradients(probe, this.tasks);
      cos = await gradientCosine(grads);
      grads.dispose();
      this.acc.add("cosine", cos);
    }
    if (this.opts.affinity)
      this.acc.add("affinity", await lookaheadAffinity(probe, this.tasks, lr));
    return cos;
  }

  /** The log keys the analysis can write (`cosine/<a>/<b>`, `affinity/<a>/<b>`). */
  keys(): string[] {
    if (!this.active) return [];
    const kinds = [
      ...((this.opts.cosine ?? true) ? ["cosine"] : []),
      ...(this.opts.affinity ? ["affinity"] : []),
    ];
    return kinds.flatMap((k) => this.tasks.flatMap((a) => this.tasks.map((b) => `${k}/${a}/${b}`)));
  }

  /** The epoch's means as log entries. */
  flush(): Record<string, number> {
    return this.acc.flush();
  }
}
