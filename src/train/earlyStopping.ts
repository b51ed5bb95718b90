/**
 * Early stopping as an ordinary training listener: watches one logged key (`val/mean/accuracy`,
 * `val/<task>/loss`, ...), asks the loop to stop after `patience` epochs without improvement,
 * keeps the best epoch's weights, and restores them when it ended the run (`restoreBest`). Its
 * progress and the best weights are part of the run's state (`stateKey`), so an interrupted and
 * resumed run stops, and restores, exactly as an uninterrupted one.
 */
import { ConfigError } from "../errors.js";
import type { WeightMap } from "../model/spec.js";
import type {
  EpochLog,
  TrainBeginEvent,
  TrainEndEvent,
  TrainingControl,
  TrainingListener,
} from "./events.js";
import type { EarlyStoppingOptions } from "./options.js";

export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number;
  wait: number;
  /** The best epoch's weights (with `restoreBest`). */
  bestWeights?: WeightMap;
}

export class EarlyStopping implements TrainingListener {
  readonly stateKey = "earlyStopping";
  readonly mode: "min" | "max";
  private state: EarlyStoppingState = { best: null, bestEpoch: -1, wait: 0 };

  constructor(readonly opts: EarlyStoppingOptions) {
    this.mode = opts.mode ?? (/loss|mae|rmse/.test(opts.monitor) ? "min" : "max");
  }

  getState(): EarlyStoppingState {
    return { ...this.state };
  }

  setState(s: unknown): void {
    const o = s as EarlyStoppingState;
    if (o === null || typeof o !== "object" || typeof o.wait !== "number")
      throw new ConfigError("The saved early-stopping state is damaged.", {
        field: "earlyStopping",
        value: s,
        expected: "{ best, bestEpoch, wait, bestWeights? }",
      });
    this.state = { ...o };
  }

  /** A monitor this run never logs fails here, before the first step. */
  onTrainBegin(e: TrainBeginEvent): void {
    const keys = e.logKeys;
    const monitor = this.opts.monitor;
    if (!keys || keys.includes(monitor)) return;
    const isVal = (k: string) => k.startsWith("val/");
    const hint =
      isVal(monitor) && !keys.some(isVal)
        ? " (it has no validation data: give validationSplit or validationData)"
        : "";
    const near = keys.filter((k) => isVal(k) === isVal(monitor));
    throw new ConfigError(
      `earlyStopping.monitor "${monitor}" is never logged by this run${hint}. Logged keys: ${(near.length ? near : keys).join(", ")}.`,
      { field: "earlyStopping.monitor", value: monitor, expected: `one of ${keys.join(", ")}` },
    );
  }

  async onEpochEnd(log: EpochLog, control: TrainingControl): Promise<void> {
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
      this.state = {
        best: v,
        bestEpoch: log.epoch,
        wait: 0,
        ...((this.opts.restoreBest ?? true) ? { bestWeights: await control.weights() } : {}),
      };
      return;
    }
    s.wait++;
    if (s.wait >= (this.opts.patience ?? 3))
      control.stop(
        "earlyStopping",
        `Early stopping: "${this.opts.monitor}" did not improve for ${s.wait} epoch(s); best ${s.best} at epoch ${s.bestEpoch}.`,
      );
  }

  /**
   * Restores the best weights only when early stopping ended the run: an interrupted or completed
   * run keeps its last weights, so that resuming it continues exactly.
   */
  onTrainEnd(e: TrainEndEvent, control: TrainingControl): void {
    const last = e.history[e.history.length - 1]?.epoch;
    if (e.reason === "earlyStopping" && this.state.bestWeights && this.state.bestEpoch !== last)
      control.setWeights(this.state.bestWeights);
  }
}
