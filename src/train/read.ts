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
  const predTasks = tasks.filter((t) => res.outputs[t]);
  const packed = tf.tidy(() =>
    tf.concat([
      res.losses,
      ...(weightTensor ? [weightTensor] : []),
      probe.reshape([1]),
      ...predTasks.map((t) => res.outputs[t].pred.reshape([-1])),
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
  const preds: Record<string, Float32Array> = {};
  for (const t of predTasks) preds[t] = take(res.outputs[t].pred.size);
  return { active: res.active, losses, weights, preds, finite };
}
