/**
 * Per-task gradients w.r.t. a shared representation Z for the members of one head bank, in one
 * backward pass instead of one per task. A bank computes logits = Z W + b for all K members
 * ([n, K*U], task k in columns k*U..(k+1)*U), and task k's loss depends on its own columns only,
 * so one backward pass of the summed losses gives every dL_k/dlogits_k at once, and
 *   dL_k/dZ = dL_k/dlogits_k W_k^T
 * for all k is one batched matmul [K, n, U] x [K, U, D]. The same pass gives each member's own
 * parameters their own task's unweighted gradient (the columns of the bank are disjoint), which
 * is what MGDA-UB's Algorithm 2 does with the heads. The per-task loop costs K backward passes
 * through the bank (O(K^2) work); this costs one.
 */
import * as tf from "@tensorflow/tfjs";
import type { HeadBank } from "../model/heads/bank.js";
import type { Param } from "../model/params.js";
import type { Tape } from "../util/tape.js";
import type { BankedForward, ForwardResult } from "./forward.js";

export interface BankGradients {
  /** [T, size of Z]: row i is task i's dL_i/dZ (tasks outside the bank: zero rows). */
  readonly G: tf.Tensor2D;
  /**
   * The bank's trainable parameters with their gradients (each member's own task's), and the
   * `extra` variables with theirs summed over the tasks.
   */
  readonly params: readonly (readonly [tf.Variable, tf.Tensor])[];
}

/**
 * The bank whose members are exactly the present tasks, read from Z alone, or undefined (then
 * the caller walks the tape once per task).
 */
export function soleBank(
  f: ForwardResult,
  banks: readonly { readonly tasks: readonly string[] }[],
  tasks: readonly string[],
  present: readonly boolean[],
): BankedForward | undefined {
  const on = tasks.filter((_, i) => present[i]);
  if (f.banked.length !== 1) return undefined;
  const b = f.banked[0];
  const members = banks[b.bank].tasks;
  if (members.length !== on.length || !on.every((t) => members.includes(t))) return undefined;
  return b;
}

/**
 * One backward pass from the members' loss sources (each task's loss, or its transformed loss:
 * a function of that task's loss alone, so the columns stay separate) to the bank's logits, its
 * trainable parameters and `extra` variables: G in task order and those gradients.
 */
export function bankGradients(
  tape: Tape,
  b: BankedForward,
  bank: HeadBank,
  seeds: readonly { y: tf.Tensor; dy?: tf.Tensor }[],
  trainable: readonly Param[],
  extra: readonly tf.Variable[],
  tasks: readonly string[],
): BankGradients {
  const kernel = bank.kernel;
  const own = [...trainable.filter((p) => p.part === kernel.part).map((p) => p.variable), ...extra];
  const gs = tape.backwardMany(seeds, [b.logits, ...own]);
  const dLogits = gs[0];
  try {
    const G = tf.tidy(() => {
      const k = bank.tasks.length;
      const n = b.logits.shape[0];
      const { dim, units } = bank;
      const dl = (dLogits ?? tf.zerosLike(b.logits)).reshape([n, k, units]).transpose([1, 0, 2]);
      const wt = kernel.variable.reshape([dim, k, units]).transpose([1, 2, 0]);
      // [K, n, D]: task k's gradient of the representation, flattened per task
      const perTask = tf.matMul(dl as tf.Tensor3D, wt as tf.Tensor3D).reshape([k, n * dim]);
      const rows = tasks.map((t) => {
        const j = bank.tasks.indexOf(t);
        return j >= 0 ? perTask.slice([j, 0], [1, n * dim]) : tf.zeros([1, n * dim]);
      });
      const inOrder = tasks.every((t, i) => bank.tasks[i] === t);
      return (inOrder ? perTask : tf.concat(rows)) as tf.Tensor2D;
    });
    const params = own.flatMap((v, i) => {
      const g = gs[1 + i];
      return g ? [[v, g] as const] : [];
    });
    return { G, params };
  } finally {
    dLogits?.dispose();
  }
}
