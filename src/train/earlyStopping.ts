/**
 * Early stopping as a training listener: watches one logged key (`val/mean/accuracy`,
 * `val/<task>/loss`, ...), asks the loop to stop after `patience` epochs without improvement,
 * and keeps the best epoch's weights so the loop can restore them.
 */
import { ConfigError } from "../errors.js";
import type { WeightMap } from "../model/spec.js";
import type { EpochLog, TrainingListener } from "./events.js";
import type { EarlyStoppingOptions } from "./options.js";

export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number;
  wait: number;
}

export class EarlyStopping implements TrainingListener {
  readonly mode: "min" | "max";
  state: EarlyStoppingState = { best: null, bestEpoch: -1, wait: 0 };
  bestWeights: WeightMap | undefined;

  constructor(
    readonly opts: EarlyStoppingOptions,
    private readonly control: { stop(message: string): void; snapshot(): WeightMap },
  ) {
    if (typeof opts.monitor !== "string" || !opts.monitor)
      throw new ConfigError(
        `earlyStopping.monitor must be a logged key such as "val/mean/accuracy".`,
        {
          field: "earlyStopping.monitor",
          value: opts.monitor,
          expected: "a logged key",
        },
      );
    this.mode = opts.mode ?? (/loss|mae|rmse/.test(opts.monitor) ? "min" : "max");
  }

  onEpochEnd(log: EpochLog): void {
    const v = log[this.opts.monitor];
    if (v === undefined)
      throw new ConfigError(
        `earlyStopping.monitor "${this.opts.monitor}" is not logged. Logged keys: ${Object.keys(log).join(", ")}.`,
        {
          field: "earlyStopping.monitor",
          value: this.opts.monitor,
          expected: `one of ${Object.keys(log).join(", ")}`,
        },
      );
    const d = this.opts.minDelta ?? 0;
    const s = this.state;
    const better = s.best === null || (this.mode === "min" ? v < s.best - d : v > s.best + d);
    if (better) {
      this.state = { best: v, bestEpoch: log.epoch, wait: 0 };
      if (this.opts.restoreBest ?? true) this.bestWeights = this.control.snapshot();
      return;
    }
    s.wait++;
    if (s.wait >= (this.opts.patience ?? 3))
      this.control.stop(
        `Early stopping: "${this.opts.monitor}" did not improve for ${s.wait} epoch(s); best ${s.best} at epoch ${s.bestEpoch}.`,
      );
  }
}
