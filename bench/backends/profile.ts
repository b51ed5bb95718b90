/**
 * Per-kernel time of one wasm training step (`node --import tsx bench/backends/profile.ts cnn|mlp`):
 * where to look next when making the wasm kernels faster.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "../../src/backend/wasm/index.js";
import { lenetTwoHead, mlp, trainStep } from "./models.js";

await tf.setBackend("wasm");
registerWasmTrainingKernels();
const which = process.argv[2] ?? "cnn";
const bench = which === "mlp" ? mlp() : lenetTwoHead();
const optimizer = tf.train.sgd(0.01);
const batch = 256;
const x = tf.randomNormal([batch, ...bench.inputShape]);
const labels = Array.from({ length: bench.heads }, (_, i) =>
  tf.oneHot(tf.randomUniform([batch], 0, 10, "int32", i), 10),
);
for (let i = 0; i < 3; i++) trainStep(bench, optimizer, x, labels);
const info = await tf.profile(() => {
  trainStep(bench, optimizer, x, labels);
});
const totals = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  const t = totals.get(k.name) ?? { ms: 0, calls: 0 };
  t.ms += Number(k.kernelTimeMs);
  t.calls++;
  totals.set(k.name, t);
}
for (const [name, t] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  console.log(`${name.padEnd(28)} ${t.ms.toFixed(1).padStart(7)} ms  x${t.calls}`);
}
const steps = 10;
const start = performance.now();
for (let i = 0; i < steps; i++) trainStep(bench, optimizer, x, labels);
const ms = (performance.now() - start) / steps;
console.log(
  `${which}: ${ms.toFixed(1)} ms/step, ${((batch * 1000) / ms).toFixed(0)} samples/s, ` +
    `${((bench.flopsPerSample * batch) / ms / 1e6).toFixed(2)} GFLOP/s`,
);
