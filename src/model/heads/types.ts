/**
 * The `Head` plug-in: a task's output layer(s), its loss, its label space and its default
 * metrics. `kind` + `config` are JSON (see registry.ts) so checkpoints can rebuild it.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Dataset, LabelKind } from "../../data/types.js";
import type { Module, ParamFactory, Shape } from "../params.js";

export interface HeadArgs {
  /** Hidden dense layers (ReLU) before the output layer. Defaults to `[]`. */
  hidden?: readonly number[];
  /** Metrics logged for the task. Defaults depend on the head. */
  metrics?: readonly string[];
}

export interface Head {
  readonly kind: string;
  /** Output units (classes, labels or regression targets). */
  readonly units: number;
  readonly config: Readonly<{
    units: number;
    hidden: readonly number[];
    metrics: readonly string[];
  }>;
  readonly labelKind: LabelKind;
  readonly metrics: readonly string[];
  /** "classifier(10)". */
  describe(): string;
  /** Builds the layers from the representation to the raw outputs (logits) [n, units]. */
  build(inputShape: Shape, f: ParamFactory): Module;
  /** Per-sample loss [n] from raw outputs and labels. */
  loss(out: tf.Tensor, y: tf.Tensor): tf.Tensor1D;
  /** Raw outputs -> predictions (probabilities or values), [n, units]. */
  predict(out: tf.Tensor): tf.Tensor;
  /**
   * The activation `predict` applies, as a tf.layers activation name (for export). Absent: the
   * head cannot be exported.
   */
  readonly outputActivation?: "softmax" | "sigmoid" | "linear";
  /** Throws a DataError when `ds`'s labels don't fit this head. */
  checkLabels(ds: Dataset, task: string): void;
}
