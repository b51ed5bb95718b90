/** One data-layer measurement, run in its own process by bench/data/run.ts; prints one JSON line. */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {
  MultiTaskLoader,
  datasets,
  disposeStep,
  transforms,
  withTransforms,
} from "../../src/data/index.js";
import type { Dataset } from "../../src/data/types.js";

const task = process.argv[2];
const quick = process.argv.includes("--quick");
const now = () => performance.now();
/** CPU time of this process in ms (user + system): less distorted than wall time on a busy machine. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const out = (o: Record<string, number>) => console.log(JSON.stringify(o));

async function loaderBench(): Promise<void> {
  await tf.setBackend("cpu");
  const n = quick ? 5000 : 20000;
  const digits = datasets.mnist({ limit: n });
  const fashion = datasets.fashionMnist({ limit: n });
  const before = tf.memory().numTensors;
  const rate = async (data: Record<string, Dataset>, mode: "one" | "all", asyncIter: boolean) => {
    const l = new MultiTaskLoader(data, { batchSize: 64, seed: 1, mode });
    const t0 = now();
    let steps = 0;
    if (asyncIter)
      for await (const s of l.epoch(0)) {
        disposeStep(s);
        steps++;
      }
    else
      for (const s of l.epoch(0)) {
        disposeStep(s);
        steps++;
      }
    return steps / ((now() - t0) / 1000);
  };
  const oneSync = await rate({ digits, fashion }, "one", false);
  const oneAsync = await rate({ digits, fashion }, "one", true);
  const all = await rate({ digits, fashion }, "all", false);
  const aug = await rate(
    {
      digits: withTransforms(digits, transforms.randomShift(2), transforms.cutout(8)),
      fashion: withTransforms(fashion, transforms.randomShift(2), transforms.cutout(8)),
    },
    "all",
    false,
  );
  out({ oneSync, oneAsync, all, aug, leak: tf.memory().numTensors - before });
}

async function trainBench(backend: string): Promise<void> {
  // the project's backend selection (it registers polytask's wasm training kernels)
  const { useBackend } = await import("../../src/backend/select.js");
  await useBackend(backend as "cpu" | "wasm", { quiet: true });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
  const l = new MultiTaskLoader(
    { d: datasets.mnist({ limit: 64 * (backend === "cpu" ? 4 : 12) }) },
    { batchSize: 64, seed: 1 },
  );
  const times: number[] = [];
  for (const s of l.epoch(0)) {
    const b = s.d!;
    const y = tf.cast(b.y, "float32");
    const t0 = now();
    await model.trainOnBatch(b.x, y);
    times.push(now() - t0);
    tf.dispose(y);
    disposeStep(s);
  }
  times.shift(); // warm-up
  times.sort((a, b) => a - b);
  out({ stepMs: times[Math.floor(times.length / 2)] });
}

if (task === "mnist") {
  const [t0, c0] = [now(), cpu()];
  const d = datasets.mnist({ split: "train" });
  out({ ms: now() - t0, cpuMs: cpu() - c0, size: d.size });
} else if (task === "fashion") {
  const [t0, c0] = [now(), cpu()];
  datasets.fashionMnist({ split: "train" });
  const [t1, c1] = [now(), cpu()];
  datasets.fashionMnist({ split: "test" });
  out({ ms: t1 - t0, cpuMs: c1 - c0, testMs: now() - t1 });
} else if (task === "multimnist") {
  const [t0, c0] = [now(), cpu()];
  datasets.mnist({ split: "train", limit: 1 });
  const t1 = now();
  const m = datasets.multiMnist({ split: "train" });
  out({ ms: now() - t0, cpuMs: cpu() - c0, composeMs: now() - t1, size: m.left.size });
} else if (task === "loader") {
  await loaderBench();
} else if (task?.startsWith("train-")) {
  await trainBench(task.slice(6));
} else {
  throw new Error(`unknown task ${task}`);
}
