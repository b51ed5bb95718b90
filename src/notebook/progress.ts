/**
 * The terminal view of training: on a TTY a progress bar redrawn in place (at most every
 * 100 ms) with per-task running losses; otherwise (CI logs, pipes) plain lines, one per epoch.
 */
import type {
  EpochLog,
  StepEvent,
  TrainBeginEvent,
  TrainEndEvent,
  TrainingListener,
} from "../train/events.js";
import { metricsOf, tasksOf } from "../viz/logs.js";

export interface ProgressStream {
  write(s: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressArgs {
  readonly stream?: ProgressStream;
  /** Milliseconds between redraws of the bar (TTY only). Defaults to 100. */
  readonly redrawMs?: number;
  readonly now?: () => number;
}

const SHORT: Record<string, string> = { accuracy: "acc", macroF1: "f1", loss: "loss" };

/** A number in 4 significant digits at most. */
export function num(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60
    ? `${m}:${String(s).padStart(2, "0")}`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}`;
}

/** One task's segment of an epoch line: `digits loss 0.31 acc 0.91 | val loss 0.33 acc 0.9`. */
export function taskSummary(log: EpochLog, task: string): string {
  const m = metricsOf([log], task);
  const train = [
    `loss ${num(log[`loss/${task}`])}`,
    ...m.train.map((k) => `${SHORT[k] ?? k} ${num(log[`${k}/${task}`])}`),
  ];
  const val = [
    ...(m.hasValLoss ? [`loss ${num(log[`val/${task}/loss`])}`] : []),
    ...m.val.map((k) => `${SHORT[k] ?? k} ${num(log[`val/${task}/${k}`])}`),
  ];
  return `${task} ${train.join(" ")}${val.length > 0 ? ` | val ${val.join(" ")}` : ""}`;
}

/** The lines printed at the end of an epoch (one line, or one per task when it gets long). */
export function epochLines(
  log: EpochLog,
  epochs: number | undefined,
  width: number,
  tasks?: readonly string[],
): string[] {
  const names = tasks ?? tasksOf([log]);
  const head = [
    `epoch ${log.epoch + 1}${epochs ? `/${epochs}` : ""}`,
    ...(log.time !== undefined ? [duration(log.time)] : []),
    ...(log.loss !== undefined ? [`loss ${num(log.loss)}`] : []),
  ].join(" · ");
  const parts = names.map((t) => taskSummary(log, t));
  const one = [head, ...parts].join(" · ");
  if (one.length <= width) return [one];
  return [head, ...parts.map((p) => `  ${p}`)];
}

export class TerminalProgress implements TrainingListener {
  private readonly stream: ProgressStream;
  private readonly redrawMs: number;
  private readonly now: () => number;
  private begin?: TrainBeginEvent;
  private started = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private epochStart = 0;
  private sums = new Map<string, { sum: number; n: number }>();
  private drawn = false;

  constructor(args: ProgressArgs = {}) {
    this.stream = args.stream ?? process.stdout;
    this.redrawMs = args.redrawMs ?? 100;
    this.now = args.now ?? Date.now;
  }

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  private get width(): number {
    // Logs (not a TTY) do not wrap: allow long lines there.
    if (!this.tty) return 160;
    return Math.max(40, (this.stream.columns ?? 100) - 1);
  }

  onTrainBegin(e: TrainBeginEvent): void {
    this.begin = e;
    this.started = this.now();
    this.epochStart = this.started;
    this.stream.write(
      `Training ${e.tasks.length} task${e.tasks.length === 1 ? "" : "s"} (${e.tasks.join(", ")}) for ${e.epochs} epoch${e.epochs === 1 ? "" : "s"} × ${e.stepsPerEpoch} steps on ${e.backend}\n`,
    );
  }

  onStep(e: StepEvent): void {
    if (e.stepInEpoch === 0) {
      this.sums.clear();
      this.epochStart = this.now();
    }
    for (const [t, v] of Object.entries(e.losses)) {
      if (!Number.isFinite(v)) continue;
      const s = this.sums.get(t) ?? { sum: 0, n: 0 };
      s.sum += v;
      s.n += 1;
      this.sums.set(t, s);
    }
    if (!this.tty) return;
    const t = this.now();
    const last = e.stepInEpoch + 1 === e.stepsPerEpoch;
    if (t - this.lastDraw < this.redrawMs && !last) return;
    this.lastDraw = t;
    this.stream.write(`\r\x1b[K${this.barLine(e, t)}`);
    this.drawn = true;
  }

  /** `epoch 3/20 [#####.....] 45% 120/264 · 2.3 step/s · ETA 52.0s · digits 0.31 · fashion 0.45` */
  barLine(e: StepEvent, t: number): string {
    const done = e.stepInEpoch + 1;
    const frac = e.stepsPerEpoch > 0 ? done / e.stepsPerEpoch : 0;
    const width = 20;
    const fill = Math.round(frac * width);
    const rate = done / Math.max(1e-3, (t - this.epochStart) / 1000);
    const eta = (e.stepsPerEpoch - done) / rate;
    const losses = [...this.sums].map(([k, s]) => `${k} ${num(s.sum / s.n)}`).join(" · ");
    const epochs = this.begin?.epochs;
    const line = `epoch ${e.epoch + 1}${epochs ? `/${epochs}` : ""} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${Math.round(frac * 100)}% ${done}/${e.stepsPerEpoch} · ${rate.toFixed(1)} step/s · ETA ${duration(eta)}${losses ? ` · ${losses}` : ""}`;
    return line.length > this.width ? `${line.slice(0, this.width - 1)}…` : line;
  }

  onEpochEnd(log: EpochLog): void {
    const prefix = this.tty && this.drawn ? "\r\x1b[K" : "";
    this.drawn = false;
    const lines = epochLines(log, this.begin?.epochs, this.width, this.begin?.tasks);
    this.stream.write(`${prefix}${lines.join("\n")}\n`);
  }

  onTrainEnd(e: TrainEndEvent): void {
    const prefix = this.tty && this.drawn ? "\r\x1b[K" : "";
    const secs = (this.now() - this.started) / 1000;
    const why = e.reason === "completed" ? "done" : `stopped (${e.reason})`;
    this.stream.write(
      `${prefix}Training ${why}: ${e.history.length} epoch${e.history.length === 1 ? "" : "s"} in ${duration(secs)}${e.message ? ` — ${e.message}` : ""}\n`,
    );
  }
}
