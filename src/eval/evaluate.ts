/**
 * Evaluation: per-task loss and metrics of a network on datasets (inference mode, no
 * augmentation), plus the multi-task summary delta-m against single-task baselines.
 */
import * as tf from "@tensorflow/tfjs";
import { evalBatches } from "../data/batch.js";
import type { Dataset } from "../data/types.js";
import { DataError } from "../errors.js";
import { checkTaskData } from "../model/checks.js";
import { Network } from "../model/network.js";
import type { ModelDef } from "../model/spec.js";
import { num, parseOptions, z } from "../util/schema.js";
import { TaskAccumulator } from "./accumulate.js";
import { deltaM } from "./deltaM.js";
import { checkMetricNames } from "./metrics/registry.js";

export interface EvaluateOptions<T extends string = string> {
  /** Defaults to `256`. */
  batchSize?: number;
  /** Metrics per task, overriding the heads' defaults. */
  metrics?: { readonly [K in T]?: readonly string[] };
  /** Single-task baseline metrics per task, for delta-m: `{ digits: { accuracy: 0.98 } }`. */
  baselines?: { readonly [K in T]?: Readonly<Record<string, number>> };
}

export type Evaluation<T extends string = string> = {
  /** Metrics (and `loss`) per task. */
  readonly tasks: { readonly [K in T]?: Readonly<Record<string, number>> };
  /** Mean over tasks of each metric present in every evaluated task. */
  readonly mean: Readonly<Record<string, number>>;
  /** Delta-m in percent vs `baselines` (absent without baselines). */
  readonly deltaM?: number;
};

/** Evaluates a built network (no disposal of the network); one device read per batch. */
export async function evaluateNetwork(
  net: Network,
  data: Readonly<Record<string, Dataset | undefined>>,
  metrics: Readonly<Record<string, readonly string[] | undefined>>,
  batchSize = 256,
): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [task, ds] of Object.entries(data)) {
    if (!ds) continue;
    const head = net.head(task);
    const acc = new TaskAccumulator(head.units);
    for (const b of evalBatches(ds, batchSize)) {
      // [masked loss sum, labelled count, predictions...] in one read
      const packed = tf.tidy(() => {
        const o = net.forward(task, b.x, { training: false });
        const l = head.loss(o, b.y);
        const m = b.mask ?? tf.onesLike(l);
        return tf.concat([
          tf.stack([tf.sum(tf.mul(l, m)), tf.sum(m)]),
          head.predict(o).reshape([-1]),
        ]);
      });
      const v = (await packed.data()) as Float32Array;
      packed.dispose();
      if (v[1] > 0) acc.addLoss(v[0] / v[1], v[1]);
      const y = b.host ? b.host.y : ((await b.y.data()) as Float32Array | Int32Array);
      acc.addHost(v.subarray(2), y, b.host ? b.host.mask : await b.mask?.data(), b.size);
      b.x.dispose();
      b.y.dispose();
      b.mask?.dispose();
    }
    out[task] = { loss: acc.loss, ...acc.metrics(metrics[task] ?? head.metrics) };
  }
  return out;
}

/** Means over tasks of each metric that every task reports. */
export function meanOverTasks(
  results: Readonly<Record<string, Readonly<Record<string, number>>>>,
): Record<string, number> {
  const rows = Object.values(results);
  if (!rows.length) return {};
  const keys = Object.keys(rows[0]).filter((k) => rows.every((r) => k in r));
  const mean: Record<string, number> = {};
  for (const k of keys) mean[k] = rows.reduce((a, r) => a + r[k], 0) / rows.length;
  return mean;
}

const evaluateSchema = z.strictObject({
  batchSize: num.count().optional(),
  metrics: z.record(z.string(), z.array(z.string()).readonly()).optional(),
  baselines: z.record(z.string(), z.record(z.string(), z.number())).optional(),
});

/** Per-task metrics of a model definition's weights on `data` (see `Run.evaluate`). */
export async function evaluateDef<T extends string>(
  def: ModelDef,
  data: { readonly [K in T]?: Dataset },
  opts: EvaluateOptions<T> = {},
): Promise<Evaluation<T>> {
  parseOptions(evaluateSchema, opts, { where: "evaluate" });
  for (const [task, names] of Object.entries(opts.metrics ?? {}))
    checkMetricNames((names as readonly string[] | undefined) ?? [], "evaluate", `metrics.${task}`);
  checkTaskData(def, data as Record<string, Dataset | undefined>, "evaluate");
  for (const [task, ds] of Object.entries(data as Record<string, Dataset | undefined>))
    if (ds && ds.size === 0)
      throw new DataError(`Task "${task}": the evaluation set "${ds.name}" is empty.`, {
        task,
        field: "size",
        value: 0,
        expected: "at least one sample",
      });
  const net = await Network.build(def, 0);
  try {
    const tasks = await evaluateNetwork(
      net,
      data as Record<string, Dataset>,
      (opts.metrics ?? {}) as Record<string, readonly string[]>,
      opts.batchSize,
    );
    const baselines = opts.baselines as Record<string, Record<string, number>> | undefined;
    return {
      tasks: tasks as Evaluation<T>["tasks"],
      mean: meanOverTasks(tasks),
      ...(baselines ? { deltaM: deltaM(tasks, baselines) } : {}),
    };
  } finally {
    net.dispose();
  }
}
