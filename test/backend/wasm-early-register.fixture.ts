/**
 * Run by wasm-training.test.ts in a fresh process: registers the training kernels before the wasm
 * backend initialises, then trains; prints "OK <n>" on success.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "../../src/backend/wasm/index.js";

async function main(): Promise<void> {
  const patched = registerWasmTrainingKernels();
  if (!(await tf.setBackend("wasm"))) throw new Error("wasm failed to initialise");
  // Small and transposed products fall back to the package's own kernel, whose setup must have run.
  const small = tf.matMul(tf.ones([2, 3]), tf.ones([2, 4]), true, false);
  const x = tf.ones([2, 6, 6, 1]);
  const g = tf.grad((w: tf.Tensor) =>
    tf.sum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same")),
  )(tf.ones([3, 3, 1, 2]));
  const sum =
    Array.from(await small.data()).reduce((a, b) => a + b, 0) + Number((await g.data())[8]);
  console.log(`OK ${patched.length} ${sum}`);
}

await main();
