/** Shared helpers for the wasm kernel tests: seeded data, run-on-both-backends, closeness. */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "../../src/backend/wasm/index.js";
import { Random } from "../../src/util/random.js";

/** Initialises wasm once and registers our kernels; returns the patched names. */
export async function initWasm(): Promise<string[]> {
  assert.ok(await tf.setBackend("wasm"), "wasm backend failed to initialise");
  return registerWasmTrainingKernels();
}

/** Seeded standard-normal values (optionally passed through relu, to create pooling ties). */
export function normal(size: number, seed: number, relu = false): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const v = rng.normal();
    out[i] = relu ? Math.max(0, v) : v;
  }
  return out;
}

export const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** A seeded float32 tensor of `shape` on the current backend. */
export function randomTensor(shape: number[], seed: number, relu = false): tf.Tensor {
  return tf.tensor(normal(sizeOf(shape), seed, relu), shape);
}

/**
 * Runs `fn` on cpu, then on wasm, each inside tf.tidy; returns every output's values and shape,
 * and asserts that neither run leaked tensors.
 */
export async function onBoth(
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<{ cpu: tf.TensorBuffer<tf.Rank>[]; wasm: tf.TensorBuffer<tf.Rank>[] }> {
  const result: Record<string, tf.TensorBuffer<tf.Rank>[]> = {};
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const outs = tf.tidy(() => {
      const out = fn();
      return Array.isArray(out) ? out : [out];
    });
    result[backend] = outs.map((t) => t.bufferSync());
    tf.dispose(outs);
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
  }
  return { cpu: result.cpu ?? [], wasm: result.wasm ?? [] };
}

/** max|a-b| / max|a| (or absolute when a is all zeros). */
export function relativeError(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((expected[i] as number) - (actual[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Asserts equal shapes and relative error <= tol for every output of onBoth. */
export function assertClose(
  r: { cpu: tf.TensorBuffer<tf.Rank>[]; wasm: tf.TensorBuffer<tf.Rank>[] },
  label: string,
  tol = 1e-4,
): void {
  assert.equal(r.wasm.length, r.cpu.length, `${label}: output count`);
  r.cpu.forEach((c, i) => {
    const w = r.wasm[i] as tf.TensorBuffer<tf.Rank>;
    assert.deepEqual(w.shape, c.shape, `${label}[${i}]: shape`);
    const err = relativeError(c.values as Float32Array, w.values as Float32Array);
    assert.ok(err <= tol, `${label}[${i}]: relative error ${err} > ${tol}`);
  });
}

/** Runs a kernel by name through the engine (the public ops do not expose every backprop). */
export function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}
