/**
 * The training forward pass of one step: the step's batches grouped into sampling units by their
 * input tensor (the members of a task group share one), one representation per unit
 * (`Network.representUnit`: one backbone pass), then each present task's head, predictions and
 * masked mean loss. Runs inside whatever records it (a tape, `tf.variableGrads`).
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch, Step } from "../data/types.js";
import { taskLoss } from "../model/loss.js";
import type { Network } from "../model/network.js";
import type { ForwardContext } from "../model/params.js";

export interface TaskOutput {
  /** Predictions [n, units] (kept; the caller disposes). */
  readonly pred: tf.Tensor;
  readonly batch: Batch;
}

export interface ForwardArgs {
  readonly net: Network;
  readonly tasks: readonly string[];
  readonly step: Step;
  /** Which tasks (task order) to compute. */
  readonly present: readonly boolean[];
  readonly ctx: ForwardContext;
  /** Dropout on the representation before every head. */
  readonly dropout: number;
  /** Receives each computed task's kept predictions. */
  readonly outputs: Record<string, TaskOutput>;
}

export interface ForwardResult {
  /** Each task's loss (task order), undefined for tasks not computed. */
  readonly list: readonly (tf.Scalar | undefined)[];
  /** [T] losses, 0 for tasks not computed. */
  readonly stacked: tf.Tensor1D;
  /** Each computed task's representation (members of a hard-shared group: one tensor). */
  readonly reps: Readonly<Record<string, tf.Tensor>>;
}

/** The present tasks grouped by their batch's input tensor, in task order. */
export function stepUnits(
  tasks: readonly string[],
  step: Step,
  present: readonly boolean[],
): { x: tf.Tensor; tasks: string[] }[] {
  const units: { x: tf.Tensor; tasks: string[] }[] = [];
  tasks.forEach((t, i) => {
    const b = step[t];
    if (!present[i] || !b) return;
    const u = units.find((v) => v.x === b.x);
    if (u) u.tasks.push(t);
    else units.push({ x: b.x, tasks: [t] });
  });
  return units;
}

export function forwardLosses(a: ForwardArgs): ForwardResult {
  const reps: Record<string, tf.Tensor> = {};
  for (const u of stepUnits(a.tasks, a.step, a.present))
    Object.assign(reps, a.net.representUnit(u.tasks, u.x, a.ctx));
  const list = a.tasks.map((t, i) => {
    if (!a.present[i]) return undefined;
    const b = a.step[t] as Batch;
    const out = a.net.headOutput(t, reps[t], a.ctx, a.dropout);
    a.outputs[t] = { pred: tf.keep(a.net.head(t).predict(out)), batch: b };
    return taskLoss(a.net.head(t), out, b);
  });
  const stacked = tf.stack(list.map((l) => l ?? tf.scalar(0))) as tf.Tensor1D;
  return { list, stacked, reps };
}

/** Disposes a recorded forward's tensors except its stacked losses (the step returns those). */
export function releaseForward(f: ForwardResult): void {
  const seen = new Set<tf.Tensor>([f.stacked]);
  for (const t of [...f.list, ...Object.values(f.reps)]) {
    if (!t || seen.has(t)) continue;
    seen.add(t);
    t.dispose();
  }
}
