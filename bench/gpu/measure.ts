/**
 * One measurement of the GPU check, run in its own process (`polytask-gpu.mjs lenet ...` or
 * `... kscale ...`): the two-head LeNet's SGD steps (bench/native's model, reading the loss each
 * step), or polytask's `fit` of K tasks sharing one input (EW). Prints one JSON line.
 */
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { type BackendName, useBackend } from "../../src/backend/select.js";
import { fromArrays } from "../../src/data/from-arrays.js";
import { convNet } from "../../src/model/backbones/convNet.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { lenet2 } from "../native/lenet.js";
import { type GpuBenchData, kscaleLabels } from "./data.js";

export interface Measured {
  kind: "lenet" | "kscale";
  backend: string;
  summary: string;
  software: boolean;
  batch: number;
  /** K-scaling: tasks on the shared input. */
  tasks?: number;
  /** Step times (ms) after warm-up. */
  times: number[];
  /** Loss at every step, warm-up included (K-scaling: the sum over tasks). */
  losses: number[];
  leaked: number;
  error?: string;
}

export interface StepPlan {
  batch: number;
  warmup: number;
  steps: number;
  maxSeconds: number;
}

export async function measureLenet(
  backend: BackendName,
  data: GpuBenchData,
  plan: StepPlan,
): Promise<Measured> {
  const info = await useBackend(backend, { quiet: true });
  const { batch } = plan;
  const model = lenet2(data.init, 0.01);
  const before = tf.memory().numTensors;
  const times: number[] = [];
  const losses: number[] = [];
  const t0 = performance.now();
  const per = Math.floor(data.n / batch);
  for (let s = 0; s < plan.warmup + plan.steps; s++) {
    const o = (s % per) * batch;
    const t = performance.now();
    const loss = await model.stepAsync(
      data.x.subarray(o * 784, (o + batch) * 784),
      data.left.subarray(o, o + batch),
      data.right.subarray(o, o + batch),
      batch,
    );
    const ms = performance.now() - t;
    losses.push(loss);
    if (s >= plan.warmup) times.push(ms);
    if (s >= plan.warmup && (performance.now() - t0) / 1000 > plan.maxSeconds) break;
  }
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  return {
    kind: "lenet",
    backend,
    summary: info.summary,
    software: info.software,
    batch,
    times,
    losses,
    leaked,
  };
}

/**
 * polytask's `fit` on K tasks labelling one input: `fromArrays({ x, y: { t0, t1, ... } })`
 * makes them one task group (one backbone pass per step), EW weighting, SGD. Step times come
 * from the `onStep` events; the first `plan.warmup` are dropped. `fit` runs whole epochs: enough
 * of them for warm-up + steps (`plan.maxSeconds` does not apply).
 */
export async function measureKscale(
  backend: BackendName,
  data: GpuBenchData,
  tasks: number,
  plan: StepPlan,
): Promise<Measured> {
  const info = await useBackend(backend, { quiet: true });
  const names = Array.from({ length: tasks }, (_, k) => `t${k}`);
  const n = plan.batch * Math.max(1, Math.floor(data.n / plan.batch));
  const y = Object.fromEntries(names.map((t, k) => [t, kscaleLabels(data, k).subarray(0, n)]));
  const base = {
    kind: "kscale" as const,
    backend,
    summary: info.summary,
    software: info.software,
    batch: plan.batch,
    tasks,
  };
  // The task-group form of fromArrays (issue 12): one Dataset per task, sharing `x`.
  const makeGroup = fromArrays as unknown as (args: object) => Record<string, unknown>;
  let group: Record<string, unknown>;
  try {
    group = makeGroup({ x: data.x.subarray(0, n * 784), y, inputShape: [28, 28, 1], name: "k" });
  } catch (e) {
    const msg = (e as Error).message;
    const why = `needs task groups, datasets.fromArrays({ x, y: { t0, ... } }) (issue 12): ${msg.slice(0, 120)}`;
    return { ...base, times: [], losses: [], leaked: 0, error: why };
  }
  let net = model({ input: [28, 28, 1] }).backbone(
    convNet({ filters: [10, 20], kernelSize: 5, dense: 50 }),
  ) as unknown as { head(name: string, h: unknown): typeof net; fit: Fit };
  for (const t of names) net = net.head(t, classifier(10));
  const stamps: number[] = [];
  const losses: number[] = [];
  const before = tf.memory().numTensors;
  const epochs = Math.max(1, Math.ceil((plan.warmup + plan.steps + 1) / (n / plan.batch)));
  await net.fit(group, {
    epochs,
    batchSize: plan.batch,
    seed: 1,
    weighting: "ew",
    optimizer: "sgd",
    lr: 0.01,
    listeners: [
      {
        onStep(e: { losses: Record<string, number> }) {
          stamps.push(performance.now());
          losses.push(Object.values(e.losses).reduce((p, q) => p + q, 0));
        },
      },
    ],
  });
  const times = stamps
    .slice(plan.warmup + 1)
    .map((s, i) => s - (stamps[plan.warmup + i] as number));
  return { ...base, times, losses, leaked: tf.memory().numTensors - before };
}

type Fit = (data: object, opts: object) => Promise<unknown>;
