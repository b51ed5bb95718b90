/**
 * Collects a task's predictions and labels over many batches (as flat host arrays, skipping
 * samples whose label is masked out) and computes metrics on them. Its state (the epoch so far)
 * is part of a training checkpoint, so a run resumed mid-epoch logs the same epoch metrics.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Batch } from "../data/types.js";
import { ConfigError } from "../errors.js";
import { decodeArray } from "../util/encode.js";
import { resolveMetric } from "./metrics/registry.js";

export interface TaskAccumulatorState {
  /** Typed arrays (stored in a checkpoint's binary file); base64 strings in older states. */
  preds: Float32Array | string;
  labels: Float32Array | Int32Array | string;
  intLabels: boolean;
  lossSum: number;
  lossCount: number;
  n: number;
}

export class TaskAccumulator {
  private preds: Float32Array[] = [];
  private labels: (Float32Array | Int32Array)[] = [];
  private lossSum = 0;
  private lossCount = 0;
  n = 0;

  constructor(readonly units: number) {}

  /** Adds a batch's predictions ([size, units], host values) and labels. */
  addHost(
    p: Float32Array,
    y: Float32Array | Int32Array,
    mask: ArrayLike<number> | undefined,
    size: number,
  ): void {
    const per = y.length / size;
    if (!mask) {
      this.preds.push(Float32Array.from(p));
      this.labels.push(y.slice());
      this.n += size;
      return;
    }
    for (let i = 0; i < size; i++) {
      if (mask[i] === 0) continue;
      this.preds.push(p.slice(i * this.units, (i + 1) * this.units));
      this.labels.push(y.slice(i * per, (i + 1) * per));
      this.n++;
    }
  }

  /** Adds a batch's predictions [n, units] (not disposed here), reading what is on the device. */
  async add(pred: tf.Tensor, batch: Batch): Promise<void> {
    const [p, y, mask] = await Promise.all([
      pred.data() as Promise<Float32Array>,
      batch.host ? batch.host.y : (batch.y.data() as Promise<Float32Array | Int32Array>),
      batch.host ? batch.host.mask : batch.mask?.data(),
    ]);
    this.addHost(p, y, mask, batch.size);
  }

  addLoss(loss: number, count = 1): void {
    this.lossSum += loss * count;
    this.lossCount += count;
  }

  get loss(): number {
    return this.lossCount ? this.lossSum / this.lossCount : Number.NaN;
  }

  private labelArray(): Float32Array | Int32Array {
    return this.labels.length && this.labels[0] instanceof Int32Array
      ? concat(this.labels as Int32Array[], Int32Array)
      : concat(this.labels as Float32Array[], Float32Array);
  }

  metrics(names: readonly string[]): Record<string, number> {
    const pred = concat(this.preds, Float32Array);
    const y = this.labelArray();
    const out: Record<string, number> = {};
    for (const name of names) out[name] = resolveMetric(name).compute(pred, y, this.n, this.units);
    return out;
  }

  getState(): TaskAccumulatorState {
    const labels = this.labelArray();
    return {
      preds: concat(this.preds, Float32Array),
      labels,
      intLabels: labels instanceof Int32Array,
      lossSum: this.lossSum,
      lossCount: this.lossCount,
      n: this.n,
    };
  }

  setState(s: TaskAccumulatorState): void {
    if (
      s === null ||
      typeof s !== "object" ||
      !(typeof s.preds === "string" || s.preds instanceof Float32Array)
    )
      throw new ConfigError("The saved epoch accumulator is damaged.", {
        field: "epochStats",
        value: s,
        expected: "a state from TaskAccumulator.getState()",
      });
    const preds =
      typeof s.preds === "string" ? decodeArray(s.preds, Float32Array) : s.preds.slice();
    const labels =
      typeof s.labels !== "string"
        ? s.labels.slice()
        : s.intLabels
          ? decodeArray(s.labels, Int32Array)
          : decodeArray(s.labels, Float32Array);
    this.preds = preds.length ? [preds] : [];
    this.labels = labels.length ? [labels] : [];
    this.lossSum = s.lossSum;
    this.lossCount = s.lossCount;
    this.n = s.n;
  }
}

function concat<A extends Float32Array | Int32Array>(parts: A[], make: new (n: number) => A): A {
  const n = parts.reduce((a, b) => a + b.length, 0);
  const out = new make(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
