/**
 * Run by wasm-threads.test.ts in a fresh process: starts the threaded wasm build with 2 threads via
 * enableWasmThreadsInNode, checks a product against cpu, prints "THREADS <n> ERR <rel. error>", and
 * must then exit on its own (the pthread workers may not keep Node alive).
 */
import * as tf from "@tensorflow/tfjs";
import * as wasm from "@tensorflow/tfjs-backend-wasm";
import {
  enableWasmThreadsInNode,
  registerWasmTrainingKernels,
} from "../../src/backend/wasm/index.js";

async function main(): Promise<void> {
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  const ready = enableWasmThreadsInNode();
  wasm.setThreadsCount(2);
  if (!(await tf.setBackend("wasm"))) throw new Error("threaded wasm failed to initialise");
  ready();
  registerWasmTrainingKernels();
  const a = tf.randomNormal([300, 200], 0, 1, "float32", 1);
  const b = tf.randomNormal([300, 100], 0, 1, "float32", 2);
  const onWasm = await tf.matMul(a, b, true, false).data();
  await tf.setBackend("cpu");
  const onCpu = await tf.matMul(a, b, true, false).data();
  let diff = 0;
  let scale = 0;
  onCpu.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - (onWasm[i] as number)));
    scale = Math.max(scale, Math.abs(v));
  });
  console.log(`THREADS ${wasm.getThreadsCount()} ERR ${diff / scale}`);
}

await main();
