/**
 * The `Metric` plug-in: a pure function of predictions and labels held in flat arrays (no
 * tensors). `pred` is [n, units] sample-major: class probabilities for classifiers, sigmoid
 * probabilities for multi-label heads, values for regression. `y` is [n] class ids or
 * [n, units] targets.
 */
import type { LabelKind } from "../../data/types.js";

export interface Metric {
  readonly name: string;
  /** Label kinds the metric applies to. */
  readonly kinds: readonly LabelKind[];
  /** true for accuracy-like metrics (early stopping maximises them). */
  readonly higherIsBetter: boolean;
  compute(pred: Float32Array, y: ArrayLike<number>, n: number, units: number): number;
}
