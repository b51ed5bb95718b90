/** Regression: `n` linear outputs, mean squared error loss. */
import * as tf from "@tensorflow/tfjs";
import { DataError } from "../../errors.js";
import { checkHead, headModule } from "./base.js";
import type { Head, HeadArgs } from "./types.js";

export function regression(n = 1, args: HeadArgs = {}): Head {
  checkHead("regression", n, args);
  const config = Object.freeze({
    units: n,
    hidden: [...(args.hidden ?? [])],
    metrics: [...(args.metrics ?? ["mae", "rmse", "r2"])],
  });
  const head: Head = {
    kind: "regression",
    units: n,
    config,
    labelKind: "regression" as const,
    metrics: config.metrics,
    outputActivation: "linear",
    describe: () => `regression(${n})`,
    build: (shape, f) => headModule(shape, f, config.hidden, n),
    loss: (out: tf.Tensor, y: tf.Tensor) =>
      tf.mean(tf.square(tf.sub(out, y.reshape(out.shape))), 1) as tf.Tensor1D,
    predict: (out: tf.Tensor) => out.clone(),
    checkLabels(ds, task) {
      if (ds.labelKind !== "regression" || ds.labelSize !== n)
        throw new DataError(
          `Task "${task}": head regression(${n}) needs ${n} real target(s) per sample, but dataset "${ds.name}" has ${ds.labelSize} ${ds.labelKind} label(s).`,
          { task, field: "labelSize", value: ds.labelSize, expected: `${n} regression targets` },
        );
    },
  };
  return Object.freeze(head);
}
