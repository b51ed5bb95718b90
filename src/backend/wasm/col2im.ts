/**
 * Conv2DBackpropInput as one XNNPACK matrix product and a col2im scatter-add: cols = dy x W^T
 * ([n*ho*wo, co] x [co, fh*fw*ci]), then each column block is added into its dx window.
 * Does no work on padding or stride holes, unlike the convolution form.
 */
import type * as tf from "@tensorflow/tfjs";
import { type WasmBackend, f32, release, runOriginal, transpose } from "./wasm_backend.js";

export function conv2DBackpropInputGemm(
  backend: WasmBackend,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  inputShape: number[],
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const [n, h, w, ci] = inputShape as [number, number, number, number];
  const [fh, fw, , co] = filter.shape as [number, number, number, number];
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const k = fh * fw * ci;

  const wT = transpose(backend, { ...filter, shape: [k, co] }, [1, 0]); // [co, k]
  const cols = runOriginal(
    backend,
    "BatchMatMul",
    { a: { ...dy, shape: [1, n * ho * wo, co] }, b: { ...wT, shape: [1, co, k] } },
    { transposeA: false, transposeB: false },
  );
  release(backend, wT);

  const out = backend.makeOutput(inputShape, "float32");
  const dx = f32(backend, out);
  const cs = f32(backend, cols);
  dx.fill(0);
  // For fixed (sample, dy pixel, filter row), the taps q = 0..fw-1 land on consecutive dx columns,
  // so each is one contiguous run of (q1 - q0) * ci additions.
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        const colBase = ((b * ho + i) * wo + j) * k;
        const x0 = j * sw - left;
        const q0 = Math.max(0, -x0);
        const q1 = Math.min(fw, w - x0);
        if (q1 <= q0) continue;
        const len = (q1 - q0) * ci;
        for (let a = 0; a < fh; a++) {
          const y = i * sh + a - top;
          if (y < 0 || y >= h) continue;
          const dst = ((b * h + y) * w + x0 + q0) * ci;
          const src = colBase + (a * fw + q0) * ci;
          for (let t = 0; t < len; t++) dx[dst + t] += cs[src + t] as number;
        }
      }
    }
  }
  release(backend, cols);
  return out;
}
