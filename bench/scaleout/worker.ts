/**
 * Spike only (bench/scaleout): one data-parallel replica. Per step of a global batch of B
 * MultiMNIST samples it takes its rows, computes the local Gram of the T tasks' representation
 * gradients, all-reduces it (T x T doubles), solves the MGDA min-norm weights from it (the same
 * on every rank), computes the gradient of the weighted loss and all-reduces it (P floats), then
 * applies SGD. For comparison it also all-reduces the T per-task gradients of the shared
 * parameters (T x P_shared floats: what parameter-level PCGrad/MGDA/CAGrad need).
 * Usage: worker.ts <rank> <workers> <basePort> <batch> <steps> <tasks> <backend> <outDir>
 * With workers = 1 it is the single-process reference.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../../src/backend/select.js";
import { multiMnist } from "../../src/data/sources/multi-mnist.js";
import { minNormFromGram } from "../../src/train/weighting/min-norm.js";
import { Replica, rows, taskLabels } from "./model.js";
import { Ring } from "./ring.js";

const [rank, workers, basePort, batch, steps, tasks] = process.argv.slice(2, 8).map(Number);
const backend = process.argv[8] as "tensorflow" | "cpu" | "wasm";
const outDir = process.argv[9];

await useBackend(backend, { quiet: true });
const data = multiMnist({ split: "train", limit: batch * steps, seed: 0 });
const labels = taskLabels(data.left.y as Int32Array, data.right.y as Int32Array, tasks);
const x = data.left.x as Float32Array;
const model = new Replica(tasks, 42);
const ring = await Ring.open(rank, workers, basePort);
const lo = Math.floor((rank * batch) / workers);
const hi = Math.floor(((rank + 1) * batch) / workers);
const lr = 0.05;

/** All ranks reach this point (an all-reduce of one number), so a timed all-reduce after it is communication, not waiting. */
const barrier = () => ring.allReduce(new Float64Array(1));

interface StepTimes {
  wait: number;
  gramCompute: number;
  gramReduce: number;
  gramBytes: number;
  backward: number;
  gradReduce: number;
  gradBytes: number;
  taskGradCompute: number;
  taskGradReduce: number;
  taskGradBytes: number;
}
const times: StepTimes[] = [];
const grams: number[][] = [];
const weights: number[][] = [];
let grad0: Float32Array | undefined;
let taskGrad0: Float32Array | undefined;

for (let s = 0; s < steps; s++) {
  const b = rows(x, labels, s * batch + lo, s * batch + hi);
  const t0 = performance.now();
  const gram = model.localGram(b.x, b.ys, batch);
  const tb = performance.now();
  await barrier(); // the wait for the slower rank is counted apart from the all-reduce
  const t1 = performance.now();
  let sent = ring.bytesSent;
  await ring.allReduce(gram);
  const t2 = performance.now();
  const gramBytes = ring.bytesSent - sent;
  const m = Array.from({ length: tasks }, (_, i) =>
    Array.from(gram.subarray(i * tasks, (i + 1) * tasks)),
  );
  const w = minNormFromGram(m);
  const t3 = performance.now();
  const grad = model.combinedGradient(b.x, b.ys, w, batch);
  const tc = performance.now();
  await barrier();
  const t4 = performance.now();
  sent = ring.bytesSent;
  await ring.allReduce(grad);
  const t5 = performance.now();
  const gradBytes = ring.bytesSent - sent;
  const taskGrads = model.taskGradients(b.x, b.ys, batch);
  const td = performance.now();
  await barrier();
  const t6 = performance.now();
  sent = ring.bytesSent;
  await ring.allReduce(taskGrads);
  const t7 = performance.now();
  times.push({
    gramCompute: tb - t0,
    gramReduce: t2 - t1,
    gramBytes,
    backward: tc - t3,
    gradReduce: t5 - t4,
    gradBytes,
    taskGradCompute: td - t5,
    wait: t1 - tb + (t4 - tc) + (t6 - td),
    taskGradReduce: t7 - t6,
    taskGradBytes: ring.bytesSent - sent,
  });
  grams.push(Array.from(gram));
  weights.push(w);
  if (s === 0) {
    grad0 = grad;
    taskGrad0 = taskGrads;
  }
  // SGD with the reduced gradient: every replica applies the same update
  tf.tidy(() => {
    let o = 0;
    for (const p of model.params) {
      p.assign(tf.sub(p, tf.mul(tf.tensor(grad.subarray(o, o + p.size), p.shape), lr)));
      o += p.size;
    }
  });
  tf.dispose([b.x, ...b.ys]);
}
writeFileSync(join(outDir, `rank${rank}-of${workers}-grad0.bin`), grad0!);
writeFileSync(join(outDir, `rank${rank}-of${workers}-taskgrad0.bin`), taskGrad0!);
writeFileSync(
  join(outDir, `rank${rank}-of${workers}.json`),
  JSON.stringify({
    rank,
    workers,
    rows: hi - lo,
    params: model.size,
    sharedParams: model.sharedSize,
    times,
    grams,
    weights,
  }),
);
ring.close();
model.dispose();
