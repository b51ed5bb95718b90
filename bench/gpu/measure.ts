/**
 * One measurement of the GPU check, run in its own process (`polytask-gpu.mjs lenet ...` or
 * `... kscale ...`), through the public API as bench/shared-input/worker.ts measures: the K-task
 * LeNet of bench/shared-input/common.ts trained by `model.fit` on K label sets of one MultiMNIST
 * input (one task group, every unit in every step), EW, SGD lr 0.01, seeded. The LeNet
 * throughput is K = 2 (the left and right digit); the K-scaling is K = 2, 8, 32 at one batch.
 * Step times are the wall time between consecutive step events (loader, forward, backward,
 * update and the step's one read). Before the timed fit, a one-step fit on the first `batch`
 * samples alone gives the initial loss on exactly the batch PyTorch's first step sees (the
 * loader's order does not matter when the batch is the whole set). Prints one JSON line.
 */
import * as tf from "@tensorflow/tfjs";
import * as pt from "../../src/index.js";
import { SEED, groupOf, lenet } from "../shared-input/common.js";
import type { GpuBenchData } from "./data.js";

export interface Measured {
  kind: "lenet" | "kscale";
  backend: string;
  summary: string;
  software: boolean;
  batch: number;
  /** Tasks on the shared input (the LeNet: 2). */
  tasks: number;
  /** Step times (ms) after warm-up. */
  times: number[];
  /** Loss (sum over the tasks) at every step, warm-up included. */
  losses: number[];
  /** Loss at the initial weights on samples 0..batch-1 (PyTorch's first step: `losses[0]`). */
  initialLoss?: number;
  /** Tensors left behind by the run. */
  leaked: number;
  /** Why `fit` stopped ("interrupted" = by this measurement's step or time limit). */
  reason?: string;
  error?: string;
}

export interface StepPlan {
  batch: number;
  warmup: number;
  steps: number;
  /** Seconds of timed steps after which the measurement stops (at a step boundary). */
  maxSeconds: number;
}

export async function measureFit(
  kind: Measured["kind"],
  backend: pt.BackendName,
  data: GpuBenchData,
  tasks: number,
  plan: StepPlan,
): Promise<Measured> {
  if (tasks > data.labels.length) {
    throw new Error(`K = ${tasks}: the data carries ${data.labels.length} label sets`);
  }
  if (plan.batch > data.n) throw new Error(`batch ${plan.batch} > ${data.n} samples`);
  const info = await pt.useBackend(backend, { quiet: true });
  const group = (n: number) =>
    groupOf({
      x: data.x.subarray(0, n * 784),
      labels: data.labels.slice(0, tasks).map((l) => l.subarray(0, n)),
    });
  const options = {
    batchSize: plan.batch,
    seed: SEED,
    optimizer: "sgd",
    lr: 0.01,
    weighting: "ew",
    sampler: pt.samplers.proportional({ mode: "all" }),
    handleSigint: false,
  } as const;
  const sum = (losses: Readonly<Record<string, number>>) =>
    Object.values(losses).reduce((a, b) => a + b, 0);
  let initialLoss = Number.NaN;
  await lenet(tasks).fit(group(plan.batch) as never, {
    ...options,
    epochs: 1,
    listeners: [
      {
        onStep: (e) => {
          initialLoss = sum(e.losses);
        },
      },
    ],
  });
  // Whole batches only, so that every step has the same size.
  const n = plan.batch * Math.floor(data.n / plan.batch);
  const total = plan.warmup + plan.steps;
  const times: number[] = [];
  const losses: number[] = [];
  let last = 0;
  let timed = 0;
  const before = tf.memory().numTensors;
  const run = await lenet(tasks).fit(group(n) as never, {
    ...options,
    epochs: Math.ceil(total / (n / plan.batch)),
    listeners: [
      {
        onTrainBegin: () => {
          last = performance.now();
        },
        onStep: (e, control) => {
          const now = performance.now();
          if (losses.length >= plan.warmup) {
            times.push(now - last);
            timed += now - last;
          }
          last = now;
          losses.push(sum(e.losses));
          if (losses.length >= total || timed / 1000 > plan.maxSeconds) {
            control.stop("interrupted", `measured ${times.length} steps`);
          }
        },
      },
    ],
  });
  const leaked = tf.memory().numTensors - before;
  return {
    kind,
    backend,
    summary: info.summary,
    software: info.software,
    batch: plan.batch,
    tasks,
    times,
    losses,
    initialLoss,
    leaked,
    reason: run.reason,
  };
}
