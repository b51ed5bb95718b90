/**
 * BatchMatMul for wasm, routed onto XNNPACK: the package's kernel only takes its XNNPACK path for
 * one untransposed matrix pair and otherwise runs a scalar loop (~1 GFLOP/s). We transpose
 * explicitly, fold a shared right-hand matrix into the rows, or loop over the batch.
 */
import * as tf from "@tensorflow/tfjs";
import {
  type KernelArgs,
  type WasmBackend,
  f32,
  release,
  runOriginal,
  sizeOf,
  transpose,
} from "./wasm_backend.js";

/** Below this many multiply-adds per matrix the scalar loop beats the copies. */
const SMALL_MATRIX_MACS = 16_384;

const as3d = (t: tf.TensorInfo, shape: number[]): tf.TensorInfo => ({ ...t, shape });

/** Materialises the transpose of the last two axes of a [batch, r, c] tensor. */
function swapLast(backend: WasmBackend, t: tf.TensorInfo): tf.TensorInfo {
  return transpose(backend, t, [0, 2, 1]);
}

/** One untransposed [1,m,k] x [1,k,n] product on XNNPACK. */
function single(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  return runOriginal(backend, "BatchMatMul", { a, b }, { transposeA: false, transposeB: false });
}

/** Copies matrix `i` of a [batch, r, c] tensor into a new [1, r, c] tensor. */
function take(backend: WasmBackend, t: tf.TensorInfo, i: number): tf.TensorInfo {
  const [, r, c] = t.shape as [number, number, number];
  const out = backend.makeOutput([1, r, c], "float32");
  f32(backend, out).set(f32(backend, t).subarray(i * r * c, (i + 1) * r * c));
  return out;
}

export function batchMatMul(args: KernelArgs): tf.TensorInfo {
  const { backend } = args;
  const a = args.inputs.a as tf.TensorInfo;
  const b = args.inputs.b as tf.TensorInfo;
  const transposeA = Boolean(args.attrs?.transposeA);
  const transposeB = Boolean(args.attrs?.transposeB);
  const fallback = () => runOriginal(backend, "BatchMatMul", { a, b }, { transposeA, transposeB });
  if (a.dtype !== "float32" || b.dtype !== "float32") return fallback();

  const ra = a.shape.length;
  const rb = b.shape.length;
  const [aRows, aCols] = [a.shape[ra - 2] as number, a.shape[ra - 1] as number];
  const [bRows, bCols] = [b.shape[rb - 2] as number, b.shape[rb - 1] as number];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  const outShape = [...outer, m, n];
  const batch = sizeOf(outer);
  const simpleBroadcast = batchA === batchB || batchA === 1 || batchB === 1;
  if (!simpleBroadcast || (batch > 1 && m * n * k < SMALL_MATRIX_MACS) || m * n * k === 0) {
    return fallback();
  }

  const a3 = as3d(a, [batchA, aRows, aCols]);
  const b3 = as3d(b, [batchB, bRows, bCols]);
  const aN = transposeA ? swapLast(backend, a3) : a3; // [batchA, m, k]
  const bN = transposeB ? swapLast(backend, b3) : b3; // [batchB, k, n]
  const temps: tf.TensorInfo[] = [];
  if (transposeA) temps.push(aN);
  if (transposeB) temps.push(bN);

  let out: tf.TensorInfo;
  if (batch === 1) {
    out = single(backend, aN, bN);
  } else if (batchB === 1) {
    // Shared right-hand matrix: one [batchA*m, k] x [k, n] product.
    out = single(backend, as3d(aN, [1, batchA * m, k]), bN);
  } else {
    out = backend.makeOutput([batch, m, n], "float32");
    for (let i = 0; i < batch; i++) {
      const ai = batchA === 1 ? aN : take(backend, aN, i);
      const bi = take(backend, bN, i);
      const oi = single(backend, ai, bi);
      f32(backend, out).set(f32(backend, oi), i * m * n);
      release(backend, oi, bi);
      if (ai !== aN) release(backend, ai);
    }
  }
  release(backend, ...temps);
  return { ...out, shape: outShape };
}
