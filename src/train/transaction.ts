/**
 * Per-step rollback. Before a step the loop takes a `Snapshot` of every variable the step may
 * change (model parameters, batch-norm statistics, optimizer slots, strategy variables); if the
 * step turns out non-finite it restores them, else it releases the snapshot. A snapshot is a set
 * of `tf.clone`s: TensorFlow.js variables swap their data on `assign`, so a clone keeps the old
 * buffer alive without copying it, and a step costs no extra memory traffic.
 */
import * as tf from "@tensorflow/tfjs";

export interface Snapshot {
  /** Puts every snapshotted value back (and undoes what the step created, where it matters). */
  restore(): void;
  /** Frees the snapshot without restoring. */
  release(): void;
}

/** A snapshot of `vars`' current values. */
export function snapshotVariables(vars: readonly tf.Variable[]): Snapshot {
  const saved = vars.map((v) => tf.clone(v));
  let done = false;
  return {
    restore() {
      if (done) return;
      vars.forEach((v, i) => {
        if (!v.isDisposed) v.assign(saved[i]);
      });
      this.release();
    },
    release() {
      if (done) return;
      done = true;
      for (const s of saved) s.dispose();
    },
  };
}

/** One snapshot of several. */
export function combineSnapshots(parts: readonly Snapshot[]): Snapshot {
  return {
    restore: () => {
      for (const p of parts) p.restore();
    },
    release: () => {
      for (const p of parts) p.release();
    },
  };
}

/**
 * `sum_v sum(v * 0)`: 0 when every value is finite, NaN as soon as one is NaN or infinite (no
 * overflow, unlike a plain sum). One reduction per variable, read with the step's scalars.
 */
export function nonFiniteProbe(vars: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() =>
    vars.length === 0
      ? tf.scalar(0)
      : (tf.addN(vars.map((v) => tf.sum(tf.mul(v, 0)))) as tf.Scalar),
  );
}
