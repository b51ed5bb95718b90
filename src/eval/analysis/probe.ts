/**
 * A probe: what the analyses need from a model at one step: the shared variables and each
 * task's loss on the step's batch as a function of their current values. `networkProbe` builds
 * one from a `Network` and a `Step`; anything else (a tiny test model) can implement it.
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch, Step } from "../../data/types.js";
import { taskLoss } from "../../model/loss.js";
import type { Network } from "../../model/network.js";

export interface AnalysisProbe {
  /** Tasks that have data in this step (others get NaN in the analyses). */
  readonly tasks: readonly string[];
  /** The shared parameters whose gradients are compared and stepped. */
  readonly shared: readonly tf.Variable[];
  /** Task `task`'s loss with the variables' current values (deterministic: no dropout). */
  loss(task: string): tf.Scalar;
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
  };
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
  const { grads, values } = tf.tidy(() => {
    const ls: tf.Scalar[] = [];
    const rows = tasks.map((t) => {
      if (!probe.tasks.includes(t)) {
        ls.push(tf.scalar(Number.NaN));
        return tf.zeros([size]);
      }
      const { value, grads: named } = tf.variableGrads(
        () => probe.loss(t),
        probe.shared as tf.Variable[],
      );
      ls.push(value);
      return tf.concat(probe.shared.map((v) => (named[v.name] ?? tf.zerosLike(v)).reshape([-1])));
    });
    return { grads: tf.stack(rows) as tf.Tensor2D, values: tf.stack(ls) };
  });
  const losses = Array.from(await values.data());
  values.dispose();
  return { grads, losses };
}
