/**
 * Predictions of one task head on a dataset, as a flat array (inference mode, in order; a
 * streamed dataset in file order).
 */
import * as tf from "@tensorflow/tfjs";
import { evalBatchesAsync } from "../data/eval-batches.js";
import type { AnyDataset } from "../data/types.js";
import { ConfigError, show } from "../errors.js";
import { checkTaskData } from "../model/checks.js";
import { Network } from "../model/network.js";
import type { ModelDef } from "../model/spec.js";

export interface Predictions {
  /** [n, units] sample-major: class probabilities, sigmoid probabilities or values. */
  readonly values: Float32Array;
  readonly shape: readonly [number, number];
  /** Arg-max class per sample (classifiers), else undefined. */
  readonly classes?: Int32Array;
}

export async function predictDef(
  def: ModelDef,
  task: string,
  data: AnyDataset,
  batchSize = 256,
): Promise<Predictions> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigError(`predict: batchSize must be an integer >= 1, got ${show(batchSize)}.`, {
      task,
      field: "batchSize",
      value: batchSize,
      expected: "an integer >= 1",
    });
  checkTaskData(def, { [task]: data } as Record<string, AnyDataset>, "predict");
  const net = await Network.build(def, 0);
  try {
    const head = net.head(task);
    const values = new Float32Array(data.size * head.units);
    let off = 0;
    for await (const b of evalBatchesAsync(data, batchSize)) {
      const p = tf.tidy(() => head.predict(net.forward(task, b.x, { training: false })));
      values.set((await p.data()) as Float32Array, off);
      off += p.size;
      for (const t of [p, b.x, b.y, b.mask]) t?.dispose();
    }
    let classes: Int32Array | undefined;
    if (head.labelKind === "class") {
      classes = new Int32Array(data.size);
      for (let i = 0; i < data.size; i++) {
        let best = 0;
        for (let c = 1; c < head.units; c++)
          if (values[i * head.units + c] > values[i * head.units + best]) best = c;
        classes[i] = best;
      }
    }
    return { values, shape: [data.size, head.units], ...(classes ? { classes } : {}) };
  } finally {
    net.dispose();
  }
}
