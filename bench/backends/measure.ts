/**
 * One benchmark measurement in its own process (the backend and its thread count are fixed for
 * the life of a process): `node --import tsx bench/backends/measure.ts '<MeasureConfig JSON>'`.
 * Prints one line `RESULT <MeasureResult JSON>`.
 */
import * as tf from "@tensorflow/tfjs";
import { enableWasmThreadsInNode } from "../../src/backend/wasm/threads_node.js";
import { type BenchModel, lenetTwoHead, mlp, trainStep } from "./models.js";

export interface MeasureConfig {
  backend: "cpu" | "wasm" | "tensorflow" | "wasm-matmul";
  /** wasm only: threads; > 1 forces WASM_HAS_MULTITHREAD_SUPPORT (the package disables it in Node). */
  threads?: number;
  model: "cnn" | "mlp";
  /** wasm only: kernels to leave as the package ships them (an A/B of our patches). */
  unpatched?: string[];
  batch: number;
  warmupSteps: number;
  steps: number;
}

export interface MeasureResult {
  config: MeasureConfig;
  ok: boolean;
  error?: string;
  backendDetail?: string;
  msPerStep?: number;
  samplesPerSec?: number;
  /** Process CPU time (user + system) per step: what an idle machine's wall time would roughly be. */
  cpuMsPerStep?: number;
  /** Samples per second of process CPU time (robust to other jobs sharing the cores). */
  samplesPerCpuSec?: number;
  gflops?: number;
  /** wasm-matmul only: GFLOP per second of CPU time. */
  gflopsCpu?: number;
  loss?: number[];
  kernelMs?: Record<string, number>;
}

async function setUp(config: MeasureConfig): Promise<string> {
  if (config.backend === "cpu") {
    await tf.setBackend("cpu");
    return "cpu";
  }
  if (config.backend === "tensorflow") {
    const { loadNative } = await import("../../src/backend/native.js");
    const info = await loadNative();
    if (!(await tf.setBackend("tensorflow"))) throw new Error("tf.setBackend('tensorflow') failed");
    return `tfjs-node on TensorFlow ${info.tfVersion} (${info.gpu ? "GPU" : "CPU"}) from ${info.path}`;
  }
  // "wasm" and "wasm-matmul" (the sgemm probe) both run on wasm.
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const threads = config.threads ?? 1;
  let threadsReady = () => {};
  if (threads > 1) {
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    if (process.env.POLYTASK_BENCH_NO_THREAD_SHIM === undefined) {
      threadsReady = enableWasmThreadsInNode();
    }
  }
  wasm.setThreadsCount(threads);
  if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') failed");
  threadsReady();
  const { registerWasmTrainingKernels } = await import("../../src/backend/wasm/index.js");
  const keep = (config.unpatched ?? []).map((name) => tf.getKernel(name, "wasm"));
  let patched = registerWasmTrainingKernels();
  for (const k of keep) {
    if (k === undefined) continue;
    tf.unregisterKernel(k.kernelName, "wasm");
    tf.registerKernel(k);
    patched = patched.filter((name) => name !== k.kernelName);
  }
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  return `wasm ${wasm.version_wasm}, simd=${simd}, threads=${wasm.getThreadsCount()}, ${patched.length} patched kernels`;
}

/** Times `steps` training steps after `warmupSteps`, on synthetic MNIST-shaped data. */
function timeTraining(config: MeasureConfig, bench: BenchModel): MeasureResult {
  const optimizer = tf.train.sgd(0.01);
  const n = config.batch;
  const x = tf.randomNormal([n, ...bench.inputShape], 0, 1, "float32", 1);
  const labels = Array.from({ length: bench.heads }, (_, i) =>
    tf.oneHot(tf.randomUniform([n], 0, 10, "int32", 2 + i), 10),
  );
  const loss: number[] = [];
  for (let i = 0; i < config.warmupSteps; i++) loss.push(trainStep(bench, optimizer, x, labels));
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < config.steps; i++) loss.push(trainStep(bench, optimizer, x, labels));
  const cpu = process.cpuUsage(cpuStart);
  const msPerStep = (performance.now() - start) / config.steps;
  const cpuMsPerStep = (cpu.user + cpu.system) / 1000 / config.steps;
  const samplesPerSec = (n * 1000) / msPerStep;
  return {
    config,
    ok: true,
    msPerStep,
    samplesPerSec,
    cpuMsPerStep,
    samplesPerCpuSec: (n * 1000) / cpuMsPerStep,
    gflops: (bench.flopsPerSample * samplesPerSec) / 1e9,
    loss,
  };
}

/** Per-kernel time of one profiled step (wasm and cpu report synchronous kernel time). */
async function kernelProfile(
  config: MeasureConfig,
  bench: BenchModel,
): Promise<Record<string, number>> {
  const optimizer = tf.train.sgd(0.01);
  const x = tf.randomNormal([config.batch, ...bench.inputShape]);
  const labels = Array.from({ length: bench.heads }, () =>
    tf.oneHot(tf.randomUniform([config.batch], 0, 10, "int32"), 10),
  );
  const info = await tf.profile(() => {
    trainStep(bench, optimizer, x, labels);
  });
  const totals: Record<string, number> = {};
  for (const k of info.kernels) {
    totals[k.name] = (totals[k.name] ?? 0) + Number(k.kernelTimeMs);
  }
  tf.dispose([x, ...labels]);
  optimizer.dispose();
  return totals;
}

/** XNNPACK's sgemm rate inside wasm, per wall and per CPU second: a 1024^3 product. */
function wasmMatmulGflops(): { wall: number; cpu: number } {
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  tf.matMul(a, b).dispose();
  const reps = 5;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < reps; i++) tf.matMul(a, b).dispose();
  const cpu = process.cpuUsage(cpuStart);
  const ms = (performance.now() - start) / reps;
  const cpuMs = (cpu.user + cpu.system) / 1000 / reps;
  return { wall: (2 * 1024 ** 3) / ms / 1e6, cpu: (2 * 1024 ** 3) / cpuMs / 1e6 };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? "{}") as MeasureConfig;
  let result: MeasureResult;
  try {
    const backendDetail = await setUp(config);
    if (config.backend === "wasm-matmul") {
      const rate = wasmMatmulGflops();
      result = { config, ok: true, backendDetail, gflops: rate.wall, gflopsCpu: rate.cpu };
    } else {
      const bench = config.model === "cnn" ? lenetTwoHead() : mlp();
      result = { ...timeTraining(config, bench), backendDetail };
      if (config.backend === "wasm") result.kernelMs = await kernelProfile(config, bench);
    }
  } catch (e) {
    result = { config, ok: false, error: (e as Error).message ?? String(e) };
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
}

await main();
