/**
 * Lookahead inter-task affinity: Fifty et al., "Efficiently Identifying Task Groupings for
 * Multi-Task Learning", NeurIPS 2021. For a batch, take an SGD step of the shared parameters on
 * task i's loss alone and measure the relative change of every task j's loss:
 * `Z[i][j] = 1 - L_j(after step on i) / L_j(before)`. Positive: a step for i helps j.
 * Averaged over the steps of an epoch (see `AnalysisAccumulator`), it suggests task groupings.
 */
import * as tf from "@tensorflow/tfjs";
import type { AnalysisProbe } from "./probe.js";

/** The affinity matrix from losses before and after each lookahead step (`after[i][j]`). */
export function affinityFromLosses(
  before: readonly number[],
  after: readonly (readonly number[])[],
): number[][] {
  return after.map((row) =>
    row.map((l, j) => (before[j] > 0 && Number.isFinite(l) ? 1 - l / before[j] : Number.NaN)),
  );
}

/**
 * Lookahead affinity on one batch: for each task, steps the shared variables by `-lr * grad`,
 * measures every task's loss, and restores the variables exactly. Tasks without data get NaN.
 */
export async function lookaheadAffinity(
  probe: AnalysisProbe,
  tasks: readonly string[],
  lr: number,
): Promise<number[][]> {
  // every task's loss at the variables' current values, in one read
  const lossesNow = async (): Promise<number[]> => {
    const all = tf.tidy(() => {
      const ls = probe.losses?.();
      return tf.stack(
        tasks.map((t) =>
          probe.tasks.includes(t) ? (ls?.[t] ?? probe.loss(t)) : tf.scalar(Number.NaN),
        ),
      );
    });
    const v = Array.from(await all.data());
    all.dispose();
    return v;
  };
  const before = await lossesNow();
  const vars = probe.shared as tf.Variable[];
  const saved = vars.map((v) => tf.clone(v));
  const after: number[][] = [];
  try {
    for (const ti of tasks) {
      if (!probe.tasks.includes(ti)) {
        after.push(tasks.map(() => Number.NaN));
        continue;
      }
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => probe.loss(ti), vars);
        value.dispose();
        vars.forEach((v, k) => {
          const g = grads[v.name];
          if (g) v.assign(tf.sub(saved[k], tf.mul(g, lr)));
        });
      });
      after.push(await lossesNow());
      vars.forEach((v, k) => v.assign(saved[k]));
    }
  } finally {
    vars.forEach((v, k) => v.assign(saved[k]));
    for (const s of saved) s.dispose();
  }
  return affinityFromLosses(before, after);
}
