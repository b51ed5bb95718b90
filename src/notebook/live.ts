/**
 * `liveView()`: a TrainingListener that shows training as it happens. In a notebook: one
 * display per run, replaced in place (`update_display_data`) at each epoch end and at most
 * every `minIntervalMs` (2 s) during an epoch, never a flood of outputs. In a terminal: the
 * progress bar of progress.ts.
 */
import type {
  EpochLog,
  StepEvent,
  TrainBeginEvent,
  TrainEndEvent,
  TrainingListener,
} from "../train/events.js";
import type { Figure } from "../viz/figure.js";
import type { RunFigureMeta, StepRecord } from "../viz/run-figure.js";
import { runFigure } from "../viz/run-figure.js";
import { figureBundle } from "./bundle.js";
import { displayBundle, newDisplayId } from "./display.js";
import { type ProgressStream, TerminalProgress, duration } from "./progress.js";
import { currentSink } from "./sink.js";

export interface LiveViewArgs {
  /** Figure kind shown live (see `runFigure`). Defaults to "curves". */
  readonly kind?: string;
  /** Least time between in-epoch refreshes, in ms. Defaults to 2000. */
  readonly minIntervalMs?: number;
  /** "auto" (notebook when a display host or tslab is present), "notebook" or "terminal". */
  readonly mode?: "auto" | "notebook" | "terminal";
  readonly title?: string;
  /** Terminal output; defaults to process.stdout. */
  readonly stream?: ProgressStream;
  /** Clock in ms (tests). */
  readonly now?: () => number;
  /** Step records kept for plots (thinned evenly beyond this). Defaults to 4000. */
  readonly maxSteps?: number;
}

export class LiveView implements TrainingListener {
  readonly displayId = newDisplayId();
  readonly history: EpochLog[] = [];
  /** Displays sent (1 in a notebook) and in-place updates. */
  displays = 0;
  updates = 0;
  private readonly args: LiveViewArgs;
  private readonly now: () => number;
  private terminal?: TerminalProgress;
  private notebook = false;
  private begin?: TrainBeginEvent;
  private started = 0;
  private lastShow = Number.NEGATIVE_INFINITY;
  private weightSteps: StepRecord[] = [];
  private cosineSteps: StepRecord[] = [];
  private stride = 1;
  private running = new Map<string, { sum: number; n: number }>();
  private current?: StepEvent;

  constructor(args: LiveViewArgs = {}) {
    this.args = args;
    this.now = args.now ?? Date.now;
  }

  /** What `runFigure` needs beyond the history (task order, per-step weights and cosines). */
  meta(): RunFigureMeta {
    const steps = [...this.weightSteps, ...this.cosineSteps].sort((a, b) => a.step - b.step);
    return { tasks: this.begin?.tasks, steps };
  }

  /** The figure as it is now. */
  figure(status?: string): Figure {
    const title = `${this.args.title ?? "Training"}${status ? ` — ${status}` : ""}`;
    return runFigure(this.liveHistory(), this.args.kind ?? "curves", { ...this.meta(), title });
  }

  private start(): void {
    const mode = this.args.mode ?? "auto";
    this.notebook = mode === "notebook" || (mode === "auto" && currentSink().kind !== "terminal");
    if (!this.notebook)
      this.terminal = new TerminalProgress({ stream: this.args.stream, now: this.now });
  }

  onTrainBegin(e: TrainBeginEvent): void {
    this.begin = e;
    this.started = this.now();
    this.start();
    if (this.terminal) {
      this.terminal.onTrainBegin(e);
      return;
    }
    this.show(`starting: ${e.epochs} epochs × ${e.stepsPerEpoch} steps on ${e.backend}`);
  }

  onStep(e: StepEvent): void {
    if (this.begin === undefined && !this.terminal && !this.notebook) this.start();
    this.record(e);
    if (this.terminal) {
      this.terminal.onStep(e);
      return;
    }
    const t = this.now();
    if (t - this.lastShow >= (this.args.minIntervalMs ?? 2000)) {
      const pct = Math.round(((e.stepInEpoch + 1) / Math.max(1, e.stepsPerEpoch)) * 100);
      this.show(
        `epoch ${e.epoch + 1}${this.epochsOf()} in progress (${pct}%) · step ${e.step} · ${this.elapsed()}`,
      );
    }
  }

  onEpochEnd(log: EpochLog): void {
    if (this.begin === undefined && !this.terminal && !this.notebook) this.start();
    this.history.push(log);
    this.running.clear();
    this.current = undefined;
    if (this.terminal) {
      this.terminal.onEpochEnd(log);
      return;
    }
    this.show(`epoch ${log.epoch + 1}${this.epochsOf()} · ${this.elapsed()}`);
  }

  onTrainEnd(e: TrainEndEvent): void {
    if (this.terminal) {
      this.terminal.onTrainEnd(e);
      return;
    }
    if (e.history.length > this.history.length)
      this.history.splice(0, this.history.length, ...e.history);
    this.current = undefined;
    const why = e.reason === "completed" ? "done" : `stopped: ${e.reason}`;
    this.show(
      `${why} after ${this.history.length} epoch${this.history.length === 1 ? "" : "s"} in ${this.elapsed()}`,
    );
  }

  private epochsOf(): string {
    return this.begin ? `/${this.begin.epochs}` : "";
  }

  private elapsed(): string {
    return duration((this.now() - this.started) / 1000);
  }

  private record(e: StepEvent): void {
    this.current = e;
    if (e.stepInEpoch === 0) this.running.clear();
    for (const [t, v] of Object.entries(e.losses)) {
      if (!Number.isFinite(v)) continue;
      const r = this.running.get(t) ?? { sum: 0, n: 0 };
      r.sum += v;
      r.n += 1;
      this.running.set(t, r);
    }
    const rec: StepRecord = { step: e.step, epoch: e.epoch, weights: e.weights, losses: e.losses };
    if (e.gradientCosine) this.cosineSteps.push({ ...rec, gradientCosine: e.gradientCosine });
    if (e.step % this.stride === 0) this.weightSteps.push(rec);
    const max = this.args.maxSteps ?? 4000;
    if (this.weightSteps.length > max) {
      this.stride *= 2;
      this.weightSteps = this.weightSteps.filter((s) => s.step % this.stride === 0);
    }
    if (this.cosineSteps.length > max)
      this.cosineSteps = this.cosineSteps.filter((_, i) => i % 2 === 0);
  }

  /** The history plus, during an epoch, a provisional point of running mean train losses. */
  private liveHistory(): EpochLog[] {
    if (this.current === undefined || this.running.size === 0) return this.history;
    const partial: Record<string, number> = {};
    for (const [t, r] of this.running) partial[`loss/${t}`] = r.sum / r.n;
    return [...this.history, { ...partial, epoch: this.current.epoch }];
  }

  private show(status: string): void {
    // No plotly JSON part: jupyterlab-plotly would take it and ignore the updates.
    const bundle = figureBundle(this.figure(status), { plotlyJson: false });
    const update = this.displays > 0;
    displayBundle(bundle, { displayId: this.displayId, update });
    if (update) this.updates += 1;
    else this.displays += 1;
    this.lastShow = this.now();
  }
}

/** A live view of training (notebook display updated in place, or a terminal progress bar). */
export function liveView(args: LiveViewArgs = {}): LiveView {
  return new LiveView(args);
}
