/**
 * Gradient accumulation (`accumulate: n`): the combined gradients of n consecutive steps are
 * summed and their mean is applied as one update (regularisation and clipping act on the mean),
 * so n steps of batch B update like one step of batch nB (exactly so for EW with full batches and
 * no batch norm). A window also closes at an epoch's last step, so epochs stay self-contained.
 * The sums are the part `accumulator` of the run's state: a checkpoint taken mid-window
 * resumes it exactly.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../errors.js";
import type { Snapshot } from "./transaction.js";

export interface AccumulatorState {
  /** Steps summed in the open window. */
  count: number;
  /** Gradient sums by variable name. */
  sums: Record<string, { shape: number[]; values: Float32Array }>;
}

export class GradientAccumulator {
  readonly key = "accumulator";
  private sums = new Map<string, tf.Tensor>();
  private count = 0;

  /** `names` and `vars` resolve each other (model parameters and strategy variables). */
  constructor(
    readonly every: number,
    private readonly variableOf: (name: string) => tf.Variable | undefined,
  ) {}

  /** Adds one step's gradients (not taken over: the caller still disposes them). */
  add(names: readonly string[], grads: readonly tf.Tensor[]): void {
    names.forEach((n, i) => {
      const old = this.sums.get(n);
      this.sums.set(n, old ? tf.add(old, grads[i]) : tf.clone(grads[i]));
      old?.dispose();
    });
    this.count++;
  }

  /** Whether the window closes now (`n` steps summed, or the epoch ends with some summed). */
  due(endOfEpoch: boolean): boolean {
    return this.count >= this.every || (endOfEpoch && this.count > 0);
  }

  /** The mean gradient of the window by variable (the caller disposes it); empties the window. */
  take(): Map<tf.Variable, tf.Tensor> {
    const out = new Map<tf.Variable, tf.Tensor>();
    const k = this.count;
    for (const [n, s] of this.sums) {
      const v = this.variableOf(n);
      if (v) out.set(v, tf.div(s, k));
      s.dispose();
    }
    this.sums.clear();
    this.count = 0;
    return out;
  }

  async getState(): Promise<AccumulatorState | undefined> {
    if (this.count === 0) return undefined;
    const entries = [...this.sums];
    const values = await Promise.all(entries.map(([, t]) => t.data()));
    const sums: AccumulatorState["sums"] = {};
    entries.forEach(([n, t], i) => {
      sums[n] = { shape: [...t.shape], values: Float32Array.from(values[i] as Float32Array) };
    });
    return { count: this.count, sums };
  }

  setState(state: AccumulatorState | undefined): void {
    this.clear();
    if (!state) return;
    for (const [n, s] of Object.entries(state.sums)) {
      const v = this.variableOf(n);
      if (!v || v.shape.join() !== s.shape.join())
        throw new ConfigError(
          `The checkpoint's accumulated gradient "${n}" [${s.shape}] fits no variable of this run${v ? ` (it has [${v.shape}])` : ""}.`,
          {
            field: `accumulator.${n}`,
            value: s.shape,
            expected: v ? `[${v.shape}]` : "a variable of the model",
          },
        );
      this.sums.set(n, tf.tensor(Float32Array.from(s.values), s.shape));
    }
    this.count = state.count;
  }

  /** The open window now, to undo a non-finite step. */
  snapshot(): Snapshot {
    const saved = new Map([...this.sums].map(([n, t]) => [n, tf.clone(t)]));
    const count = this.count;
    let done = false;
    return {
      restore: () => {
        if (done) return;
        done = true;
        this.clear();
        this.sums = saved;
        this.count = count;
      },
      release: () => {
        if (done) return;
        done = true;
        for (const t of saved.values()) t.dispose();
      },
    };
  }

  private clear(): void {
    for (const t of this.sums.values()) t.dispose();
    this.sums.clear();
    this.count = 0;
  }

  dispose(): void {
    this.clear();
  }
}
