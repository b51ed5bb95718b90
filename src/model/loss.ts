/** The masked mean loss of a task head, shared by training, evaluation and the analyses. */
import * as tf from "@tensorflow/tfjs";
import type { Batch } from "../data/types.js";
import type { Head } from "./heads/types.js";

/** Mean loss over the samples whose label is present. */
export function taskLoss(head: Head, out: tf.Tensor, b: Batch): tf.Scalar {
  const l = head.loss(out, b.y);
  if (!b.mask) return tf.mean(l);
  return tf.div(tf.sum(tf.mul(l, b.mask)), tf.maximum(tf.sum(b.mask), 1));
}
