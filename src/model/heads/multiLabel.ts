/** Multi-label classification: `n` independent sigmoids, binary cross-entropy loss. */
import * as tf from "@tensorflow/tfjs";
import { DataError } from "../../errors.js";
import { checkHead, headModule } from "./base.js";
import type { Head, HeadArgs } from "./types.js";

export function multiLabel(n: number, args: HeadArgs = {}): Head {
  checkHead("multiLabel", n, args);
  const config = Object.freeze({
    units: n,
    hidden: [...(args.hidden ?? [])],
    metrics: [...(args.metrics ?? ["accuracy", "auc", "macroF1"])],
  });
  const head: Head = {
    kind: "multiLabel",
    units: n,
    config,
    labelKind: "multiLabel" as const,
    metrics: config.metrics,
    outputActivation: "sigmoid",
    describe: () => `multiLabel(${n})`,
    build: (shape, f) => headModule(shape, f, config.hidden, n),
    loss(out: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
      // max(z, 0) - z*y + log(1 + exp(-|z|)), mean over labels
      const z = out;
      const t = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
      return tf.mean(t, 1) as tf.Tensor1D;
    },
    predict: (out: tf.Tensor) => tf.sigmoid(out),
    checkLabels(ds, task) {
      if (ds.labelKind !== "multiLabel" || ds.labelSize !== n)
        throw new DataError(
          `Task "${task}": head multiLabel(${n}) needs ${n} 0/1 labels per sample, but dataset "${ds.name}" has ${ds.labelSize} ${ds.labelKind} label(s).`,
          { task, field: "labelSize", value: ds.labelSize, expected: `${n} multiLabel targets` },
        );
    },
  };
  return Object.freeze(head);
}
