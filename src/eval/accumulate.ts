/**
 * Collects a task's predictions and labels over many batches (as flat arrays, skipping samples
 * whose label is masked out) and computes metrics on them.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Batch } from "../data/types.js";
import { resolveMetric } from "./metrics/registry.js";

export class TaskAccumulator {
  private preds: Float32Array[] = [];
  private labels: (Float32Array | Int32Array)[] = [];
  private lossSum = 0;
  private lossCount = 0;
  n = 0;

  constructor(readonly units: number) {}

  /** Adds a batch's predictions [n, units] (not disposed here) and labels. */
  add(pred: tf.Tensor, batch: Batch): void {
    const p = pred.dataSync() as Float32Array;
    const y = batch.y.dataSync() as Float32Array | Int32Array;
    const mask = batch.mask?.dataSync();
    const per = y.length / batch.size;
    if (!mask) {
      this.preds.push(Float32Array.from(p));
      this.labels.push(y.slice());
      this.n += batch.size;
      return;
    }
    for (let i = 0; i < batch.size; i++) {
      if (mask[i] === 0) continue;
      this.preds.push(p.slice(i * this.units, (i + 1) * this.units));
      this.labels.push(y.slice(i * per, (i + 1) * per));
      this.n++;
    }
  }

  addLoss(loss: number, count = 1): void {
    this.lossSum += loss * count;
    this.lossCount += count;
  }

  get loss(): number {
    return this.lossCount ? this.lossSum / this.lossCount : Number.NaN;
  }

  metrics(names: readonly string[]): Record<string, number> {
    const pred = concat(this.preds, Float32Array);
    const y =
      this.labels.length && this.labels[0] instanceof Int32Array
        ? concat(this.labels as Int32Array[], Int32Array)
        : concat(this.labels as Float32Array[], Float32Array);
    const out: Record<string, number> = {};
    for (const name of names) out[name] = resolveMetric(name).compute(pred, y, this.n, this.units);
    return out;
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
