/**
 * One benchmark measurement in its own process: `worker.ts <backend> <n> <batch> <warmup>
 * <steps> <lr> <maxSeconds>`. Selects the backend through polytask's `useBackend`, trains the
 * two-head LeNet on the benchmark file and prints one JSON line with the step times.
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendName, useBackend } from "../../src/backend/select.js";
import { benchData, initParams } from "./data.js";
import { lenet2 } from "./lenet.js";

const [backend, nArg, batchArg, warmupArg, stepsArg, lrArg, maxArg] = process.argv.slice(2);
const [n, batch, warmup, steps, lr, maxSeconds] = [
  nArg,
  batchArg,
  warmupArg,
  stepsArg,
  lrArg,
  maxArg,
].map(Number);
if (n % batch !== 0) throw new Error(`n=${n} must be a multiple of batch=${batch}`);
const info = await useBackend(backend as BackendName, { quiet: true });
const data = benchData(n);
const model = lenet2(initParams(data.initFile), lr);
const before = tf.memory().numTensors;
const times: number[] = [];
const losses: number[] = [];
const t0 = performance.now();
for (let s = 0; s < warmup + steps; s++) {
  const o = (s * batch) % n;
  const t = performance.now();
  const loss = model.step(
    data.x.subarray(o * 784, (o + batch) * 784),
    data.left.subarray(o, o + batch),
    data.right.subarray(o, o + batch),
    batch,
  );
  const ms = performance.now() - t;
  losses.push(loss);
  if (s >= warmup) times.push(ms);
  if (s >= warmup && (performance.now() - t0) / 1000 > maxSeconds) break;
}
const leaked = tf.memory().numTensors - before;
model.dispose();
console.log(
  JSON.stringify({ backend, summary: info.summary, threads: info.threads, times, losses, leaked }),
);
