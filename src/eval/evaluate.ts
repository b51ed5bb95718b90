/**
 * Evaluation: per-task loss and metrics of a network on datasets (inference mode, no
 * augmentation), plus the multi-task summary delta-m against single-task baselines.
 */
import * as tf from "@tensorflow/tfjs";
import { disposeBatches } from "../data/batch.js";
import { evalUnitBatchesAsync } from "../data/eval-batches.js";
import { unitsOf } from "../data/group.js";
import type { AnyDataset } from "../data/types.js";
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

/**
 * Evaluates a built network (no disposal of the network): one pass per sampling unit (a task
 * group's members share one representation of each batch) and one device read per batch. A
 * streamed unit is read once, in file order (a `shuffle: false` source).
 */
export async function evaluateNetwork(
  net: Network,
  data: Readonly<Record<string, AnyDataset | undefined>>,
  metrics: Readonly<Record<string, readonly string[] | undefined>>,
  batchSize = 256,
): Promise<Record<string, Record<string, number>>> {
  const present = Object.entries(data).filter((e): e is [string, AnyDataset] => e[1] !== undefined);
  const datasets = Object.fromEntries(present);
  const acc = new Map(present.map(([t]) => [t, new TaskAccumulator(net.head(t).units)]));
  for (const unit of unitsOf(Object.keys(datasets), datasets)) {
    const members = unit.tasks.map((t) => [t, datasets[t]] as const);
    for await (const batches of evalUnitBatchesAsync(unit.name, members, batchSize)) {
      // per task [masked loss sum, labelled count, predictions...], all in one read
      const packed = tf.tidy(() => {
        const x = batches[unit.tasks[0]].x;
        const reps = net.representUnit(unit.tasks, x, { training: false });
        return tf.concat(
          unit.tasks.map((t) => {
            const b = batches[t];
            const head = net.head(t);
            const o = net.headOutput(t, reps[t], { training: false });
            const l = head.loss(o, b.y);
            const m = b.mask ?? tf.onesLike(l);
            return tf.concat([
              tf.stack([tf.sum(tf.mul(l, m)), tf.sum(m)]),
              head.predict(o).reshape([-1]),
            ]);
          }),
        );
      });
      const v = (await packed.data()) as Float32Array;
      packed.dispose();
      let off = 0;
      for (const t of unit.tasks) {
        const b = batches[t];
        const a = acc.get(t) as TaskAccumulator;
        const n = b.size * a.units;
        if (v[off + 1] > 0) a.addLoss(v[off] / v[off + 1], v[off + 1]);
        const host = b.host as NonNullable<typeof b.host>;
        a.addHost(v.subarray(off + 2, off + 2 + n), host.y, host.mask, b.size);
        off += 2 + n;
      }
      disposeBatches(Object.values(batches));
    }
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [task] of present) {
    const a = acc.get(task) as TaskAccumulator;
    out[task] = { loss: a.loss, ...a.metrics(metrics[task] ?? net.head(task).metrics) };
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
  data: { readonly [K in T]?: AnyDataset },
  opts: EvaluateOptions<T> = {},
): Promise<Evaluation<T>> {
  parseOptions(evaluateSchema, opts, { where: "evaluate" });
  for (const [task, names] of Object.entries(opts.metrics ?? {}))
    checkMetricNames((names as readonly string[] | undefined) ?? [], "evaluate", `metrics.${task}`);
  checkTaskData(def, data as Record<string, AnyDataset | undefined>, "evaluate");
  for (const [task, ds] of Object.entries(data as Record<string, AnyDataset | undefined>))
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
      data as Record<string, AnyDataset>,
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
