/**
 * A probe: what the analyses need from a model at one step: the shared variables and each
 * task's loss on the step's batch as a function of their current values. `networkProbe` builds
 * one from a `Network` and a `Step`; anything else (a tiny test model) can implement it.
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch, Step } from "../../data/types.js";
import { taskLoss } from "../../model/loss.js";
import type { Network } from "../../model/network.js";
import { recordTape, tapeSupported } from "../../util/tape.js";

export interface AnalysisProbe {
  /** Tasks that have data in this step (others get NaN in the analyses). */
  readonly tasks: readonly string[];
  /** The shared parameters whose gradients are compared and stepped. */
  readonly shared: readonly tf.Variable[];
  /** Task `task`'s loss with the variables' current values (deterministic: no dropout). */
  loss(task: string): tf.Scalar;
  /** Optional: every task's loss in one pass (a task group's backbone once). */
  losses?(): Record<string, tf.Scalar>;
}

/** A probe of a built network on one step's batches (evaluation mode: no dropout, no BN updates). */
export function networkProbe(net: Network, step: Step): AnalysisProbe {
  const present = net.tasks.filter((t) => {
    const b = step[t];
    return b !== undefined && b.size > 0;
  });
  return {
    tasks: present,
    shared: net
      .trainableParams()
      .filter((p) => p.shared)
      .map((p) => p.variable),
    loss: (task) => {
      const b = step[task] as Batch;
      return taskLoss(net.head(task), net.forward(task, b.x, { training: false }), b);
    },
    losses: () => {
      const ctx = { training: false };
      const out: Record<string, tf.Scalar> = {};
      for (const u of groupByInput(present, step)) {
        const reps = net.representUnit(u.tasks, u.x, ctx);
        for (const t of u.tasks)
          out[t] = taskLoss(net.head(t), net.headOutput(t, reps[t], ctx), step[t] as Batch);
      }
      return out;
    },
  };
}

/** Tasks grouped by their batch's input tensor (a task group's members share one). */
function groupByInput(tasks: readonly string[], step: Step): { x: tf.Tensor; tasks: string[] }[] {
  const units: { x: tf.Tensor; tasks: string[] }[] = [];
  for (const t of tasks) {
    const b = step[t] as Batch;
    const u = units.find((v) => v.x === b.x);
    if (u) u.tasks.push(t);
    else units.push({ x: b.x, tasks: [t] });
  }
  return units;
}

/**
 * Each task's gradient of its loss w.r.t. the shared variables, flattened: [T, P] in `tasks`
 * order (zero rows for tasks the probe has no data for), plus the losses. The caller disposes.
 */
export async function sharedTaskGradients(
  probe: AnalysisProbe,
  tasks: readonly string[],
): Promise<{ grads: tf.Tensor2D; losses: number[] }> {
  const size = probe.shared.reduce((s, v) => s + v.size, 0);
  const shared = probe.shared as tf.Variable[];
  const row = (gs: readonly (tf.Tensor | undefined)[]) =>
    tf.concat(shared.map((v, k) => (gs[k] ?? tf.zerosLike(v)).reshape([-1])));
  let grads: tf.Tensor2D;
  let values: tf.Tensor;
  const all = probe.losses;
  if (all && tapeSupported()) {
    // one forward (one backbone pass per task group), one backward pass per task
    const { value: ls, tape } = recordTape(() => all());
    try {
      ({ grads, values } = tf.tidy(() => {
        const rows = tasks.map((t) => {
          if (!ls[t]) return tf.zeros([size]);
          const gs = tape.backward(ls[t], shared);
          return row(gs);
        });
        const vs = tasks.map((t) => ls[t] ?? tf.scalar(Number.NaN));
        return { grads: tf.stack(rows) as tf.Tensor2D, values: tf.stack(vs) };
      }));
    } finally {
      tape.dispose();
      for (const l of Object.values(ls)) l.dispose();
    }
  } else {
    ({ grads, values } = tf.tidy(() => {
      const ls: tf.Scalar[] = [];
      const rows = tasks.map((t) => {
        if (!probe.tasks.includes(t)) {
          ls.push(tf.scalar(Number.NaN));
          return tf.zeros([size]);
        }
        const { value, grads: named } = tf.variableGrads(() => probe.loss(t), shared);
        ls.push(value);
        return row(shared.map((v) => named[v.name]));
      });
      return { grads: tf.stack(rows) as tf.Tensor2D, values: tf.stack(ls) };
    }));
  }
  const losses = Array.from(await values.data());
  values.dispose();
  return { grads, losses };
}
