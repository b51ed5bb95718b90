/**
 * GradDrop (Gradient Sign Dropout): Chen et al., "Just Pick a Sign: Optimizing Deep Multitask
 * Models with Gradient Sign Dropout", NeurIPS 2020 (Algorithm 1). Works on each task's
 * per-sample gradient of its representation, `grad_t` ([B_t, D]): with the batch-summed signed
 * gradients `s_t = sum_b grad_t * sign(R_t)`, the positive sign purity of each feature is
 * `P = (1 + sum_t s_t / sum_t |s_t|) / 2`; one uniform draw U per feature keeps, for every task,
 * only the gradients of the sign chosen there (positive where `P > U`, negative where `P < U`),
 * `grad_t * (leak_t + (1 - leak_t) M_t)`, and those are back-propagated into the backbone. Heads
 * get their own task's gradient. Stochastic (U comes from the run's seeded generator). The update
 * is not a weighted sum of task gradients: no weights are logged.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../../errors.js";
import { NonFiniteGradientError } from "../../errors.js";
import { z } from "../../util/schema.js";
import { defineStrategy, options } from "./define.js";
import type { WeightingContext, WeightingStrategy } from "./types.js";

export interface GraddropArgs {
  /** How much of each task's gradient leaks through the mask, in [0, 1]: one value for every task
   * or one per task (task order). Defaults to `0` (LibMTL and TorchJD). */
  leak?: number | readonly number[];
}

export const graddropSchema = z.strictObject({
  leak: z.union([z.number().min(0).max(1), z.array(z.number().min(0).max(1))]).optional(),
});

/**
 * GradDrop on host rows (one sample per task, the `weighting.aggregate` form, like TorchJD's):
 * the purity of each coordinate from the rows' signs, the masks from `u` (one uniform per
 * coordinate); returns the combined vector.
 */
export function graddropCombine(
  rows: readonly (readonly number[])[],
  u: readonly number[],
  leak: readonly number[],
): number[] {
  const p = rows[0]?.length ?? 0;
  const out = new Array<number>(p).fill(0);
  for (let k = 0; k < p; k++) {
    let sum = 0;
    let abs = 0;
    for (const r of rows) {
      sum += r[k];
      abs += Math.abs(r[k]);
    }
    const purity = 0.5 * (1 + sum / (abs + 1e-7));
    rows.forEach((r, t) => {
      const keep = (purity > u[k] && r[k] > 0) || (purity < u[k] && r[k] < 0) ? 1 : 0;
      out[k] += (leak[t] + (1 - leak[t]) * keep) * r[k];
    });
  }
  return out;
}

/** The per-task leak values. */
export function leakFor(leak: GraddropArgs["leak"], tasks: readonly string[]): number[] {
  if (leak === undefined) return tasks.map(() => 0);
  if (typeof leak === "number") return tasks.map(() => leak);
  if (leak.length !== tasks.length)
    throw new ConfigError(
      `Weighting "graddrop": got ${leak.length} leak values for ${tasks.length} tasks (${tasks.join(", ")}).`,
      { field: "leak", value: leak, expected: `${tasks.length} values in task order` },
    );
  return leak.slice();
}

async function checkFinite(grads: readonly (tf.Tensor2D | null)[], ctx: WeightingContext) {
  const probe = tf.tidy(() =>
    tf.stack(grads.map((g) => (g ? tf.sum(tf.mul(g, 0)) : tf.scalar(0)))),
  );
  const v = await probe.data();
  probe.dispose();
  const bad = Array.from(v).findIndex((x) => !Number.isFinite(x));
  if (bad >= 0)
    throw new NonFiniteGradientError(
      `Task "${ctx.tasks[bad]}": its representation gradient holds a NaN or infinite value at step ${ctx.step}.`,
      { task: ctx.tasks[bad], field: "gradient", value: v[bad], expected: "a finite gradient" },
    );
}

export function graddrop(args: GraddropArgs = {}): WeightingStrategy<GraddropArgs> {
  const o = options("graddrop", graddropSchema, args);
  return defineStrategy("graddrop", "representationTransform", o, (tasks) => {
    const leak = leakFor(o.leak, tasks);
    return {
      needs: "representationTransform",
      variables: [],
      async transformGradients(grads, reps, ctx) {
        await checkFinite(grads, ctx);
        const on = grads.flatMap((g, i) => (g ? [i] : []));
        if (on.length === 0) return grads.map(() => null);
        const width = (grads[on[0]] as tf.Tensor2D).shape[1];
        for (const i of on)
          if ((grads[i] as tf.Tensor2D).shape[1] !== width)
            throw new ConfigError(
              `Weighting "graddrop": task "${tasks[i]}" has a representation of ${(grads[i] as tf.Tensor2D).shape[1]} features, task "${tasks[on[0]]}" ${width}; GradDrop needs one feature space.`,
              { task: tasks[i], field: "representation", value: width, expected: "equal widths" },
            );
        const u = Array.from({ length: width }, () => ctx.random());
        return tf
          .tidy(() => {
            const s = on.map((i) =>
              tf.sum(tf.mul(grads[i] as tf.Tensor2D, tf.sign(reps[i] as tf.Tensor2D)), 0),
            );
            const total = tf.addN(s);
            const abs = tf.addN(s.map((x) => tf.abs(x)));
            const purity = tf.mul(0.5, tf.add(1, tf.div(total, tf.add(abs, 1e-7))));
            const U = tf.tensor1d(u);
            const pos = tf.cast(tf.greater(purity, U), "float32");
            const neg = tf.cast(tf.less(purity, U), "float32");
            const out: (tf.Tensor2D | null)[] = grads.map(() => null);
            on.forEach((i, k) => {
              const m = tf.add(
                tf.mul(pos, tf.cast(tf.greater(s[k], 0), "float32")),
                tf.mul(neg, tf.cast(tf.less(s[k], 0), "float32")),
              );
              const factor = tf.add(leak[i], tf.mul(1 - leak[i], m));
              out[i] = tf.mul(grads[i] as tf.Tensor2D, factor) as tf.Tensor2D;
            });
            return out.filter((x): x is tf.Tensor2D => x !== null);
          })
          .reduce<(tf.Tensor2D | null)[]>(
            (acc, t, k) => {
              acc[on[k]] = t;
              return acc;
            },
            grads.map(() => null),
          );
      },
      getState: () => ({}),
      setState: () => {},
      dispose: () => {},
    };
  });
}
