/**
 * The one device read of a training step: the task losses, the strategy's weights (when they are
 * a tensor), the finiteness probe of the updated variables and every task's predictions (for the
 * epoch's training metrics), packed into one tensor and read with one `await data()`.
 */
import * as tf from "@tensorflow/tfjs";
import type { StepValues } from "./epochLog.js";
import type { StepResult } from "./step.js";

export interface StepRead extends StepValues {
  /** false when a variable became NaN or infinite in the update. */
  readonly finite: boolean;
}

export async function readStep(
  tasks: readonly string[],
  res: StepResult,
  probe: tf.Scalar,
): Promise<StepRead> {
  const T = tasks.length;
  const weightTensor = res.weights instanceof tf.Tensor ? res.weights : undefined;
  // each prediction tensor once (a head bank's members share one)
  const preds = [...new Set(tasks.flatMap((t) => (res.outputs[t] ? [res.outputs[t].pred] : [])))];
  const packed = tf.tidy(() =>
    tf.concat([
      res.losses,
      ...(weightTensor ? [weightTensor] : []),
      probe.reshape([1]),
      ...preds.map((p) => p.reshape([-1])),
    ]),
  );
  const v = (await packed.data()) as Float32Array;
  packed.dispose();
  let off = 0;
  const take = (n: number) => {
    const out = v.subarray(off, off + n);
    off += n;
    return out;
  };
  const losses = Float32Array.from(take(T));
  const weights = weightTensor
    ? Float32Array.from(take(T))
    : (res.weights as readonly number[] | null);
  const finite = Number.isFinite(take(1)[0]);
  const values = new Map(preds.map((p) => [p, take(p.size)]));
  const out: Record<string, Float32Array> = {};
  for (const t of tasks) {
    const o = res.outputs[t];
    if (!o) continue;
    const all = values.get(o.pred) as Float32Array;
    out[t] = o.column
      ? rowsOf(all, o.column.index, o.column.count, o.pred.shape[1] as number)
      : all;
  }
  return { active: res.active, losses, weights, preds: out, finite };
}

/** Rows index, index + count, ... of a sample-major [n * count, units] array. */
function rowsOf(all: Float32Array, index: number, count: number, units: number): Float32Array {
  const n = all.length / (count * units);
  const out = new Float32Array(n * units);
  for (let i = 0; i < n; i++)
    out.set(all.subarray((i * count + index) * units, (i * count + index + 1) * units), i * units);
  return out;
}
