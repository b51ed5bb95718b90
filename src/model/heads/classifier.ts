/** Single-label classification: softmax over `n` classes, cross-entropy loss. */
import * as tf from "@tensorflow/tfjs";
import { DataError } from "../../errors.js";
import { checkHead, headModule } from "./base.js";
import type { Head, HeadArgs } from "./types.js";

export function classifier(n: number, args: HeadArgs = {}): Head {
  checkHead("classifier", n, args);
  const config = Object.freeze({
    units: n,
    hidden: [...(args.hidden ?? [])],
    metrics: [...(args.metrics ?? ["accuracy", "macroF1"])],
  });
  const head: Head = {
    kind: "classifier",
    units: n,
    config,
    labelKind: "class" as const,
    metrics: config.metrics,
    outputActivation: "softmax",
    describe: () => `classifier(${n})`,
    build: (shape, f) => headModule(shape, f, config.hidden, n),
    loss(out: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
      const logp = tf.logSoftmax(out as tf.Tensor2D);
      const oh = tf.oneHot(y.toInt() as tf.Tensor1D, n);
      return tf.neg(tf.sum(tf.mul(logp, oh), 1)) as tf.Tensor1D;
    },
    predict: (out: tf.Tensor) => tf.softmax(out),
    checkLabels(ds, task) {
      if (ds.labelKind !== "class")
        throw new DataError(
          `Task "${task}": head classifier(${n}) needs class labels, but dataset "${ds.name}" has ${ds.labelKind} labels.`,
          { task, field: "labelKind", value: ds.labelKind, expected: "class" },
        );
      if (ds.numClasses !== undefined && ds.numClasses > n)
        throw new DataError(
          `Task "${task}": dataset "${ds.name}" has ${ds.numClasses} classes but the head is classifier(${n}).`,
          { task, field: "numClasses", value: ds.numClasses, expected: `at most ${n}` },
        );
      for (let i = 0; i < ds.size; i++) {
        const v = ds.y[i];
        if (ds.mask && ds.mask[i] === 0) continue;
        if (!(v >= 0 && v < n && Number.isInteger(v)))
          throw new DataError(
            `Task "${task}": label ${v} is outside 0..${n - 1} (head classifier(${n})) at sample ${i}.`,
            { task, field: "y", value: v, expected: `an integer in 0..${n - 1}`, index: i },
          );
      }
    },
  };
  return Object.freeze(head);
}
