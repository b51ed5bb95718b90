/**
 * MaxPoolGrad for wasm: one pass over the pooling windows on the wasm heap, innermost over the
 * contiguous channel axis, routing each dy to the first maximum of its window (ties and -Infinity
 * handled as tfjs's cpu kernel does). The package's kernel was the step's top hot spot.
 */
import * as tf from "@tensorflow/tfjs";
import { type Attrs, type Inputs, type WasmBackend, f32 } from "./wasm_backend.js";

export function maxPoolGrad(args: {
  inputs: Inputs;
  backend: WasmBackend;
  attrs?: Attrs;
}): tf.TensorInfo {
  const { backend } = args;
  const attrs = args.attrs ?? {};
  const input = args.inputs.input as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c } = info;
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info;
  const fh = info.effectiveFilterHeight;
  const fw = info.effectiveFilterWidth;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  const out = backend.makeOutput(input.shape, "float32");
  const dx = f32(backend, out);
  const xs = f32(backend, input);
  const dys = f32(backend, dy);
  const inside = 2 * ho <= h && 2 * wo <= w;
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && inside) {
    tiles2x2(xs, dys, dx, n, h, w, c, ho, wo);
    return out;
  }
  dx.fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      const r0 = Math.max(0, i * sh - top);
      const r1 = Math.min(h, i * sh - top + fh);
      for (let j = 0; j < wo; j++) {
        const c0 = Math.max(0, j * sw - left);
        const c1 = Math.min(w, j * sw - left + fw);
        const dyBase = ((b * ho + i) * wo + j) * c;
        for (let d = 0; d < c; d++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let r = r0; r < r1; r++) {
            let idx = ((b * h + r) * w + c0) * c + d;
            for (let q = c0; q < c1; q++, idx += c) {
              const v = xs[idx] as number;
              if (v > best) {
                best = v;
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at] += dys[dyBase + d] as number;
        }
      }
    }
  }
  return out;
}

/**
 * The common 2x2/stride-2 unpadded pool: windows do not overlap, so every dx element is written
 * once (no zero fill), and each window is four loads. Rows/columns left over by an odd size get 0.
 */
function tiles2x2(
  xs: Float32Array,
  dys: Float32Array,
  dx: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  ho: number,
  wo: number,
): void {
  if (2 * ho !== h || 2 * wo !== w) dx.fill(0);
  const row = w * c;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        const p00 = (b * h + 2 * i) * row + 2 * j * c;
        const p01 = p00 + c;
        const p10 = p00 + row;
        const p11 = p10 + c;
        const g = ((b * ho + i) * wo + j) * c;
        for (let d = 0; d < c; d++) {
          const v00 = xs[p00 + d] as number;
          const v01 = xs[p01 + d] as number;
          const v10 = xs[p10 + d] as number;
          const v11 = xs[p11 + d] as number;
          // First maximum in scan order (00, 01, 10, 11); none when all are -Infinity or NaN.
          let at = -1;
          let best = Number.NEGATIVE_INFINITY;
          if (v00 > best) {
            best = v00;
            at = 0;
          }
          if (v01 > best) {
            best = v01;
            at = 1;
          }
          if (v10 > best) {
            best = v10;
            at = 2;
          }
          if (v11 > best) at = 3;
          const grad = dys[g + d] as number;
          dx[p00 + d] = at === 0 ? grad : 0;
          dx[p01 + d] = at === 1 ? grad : 0;
          dx[p10 + d] = at === 2 ? grad : 0;
          dx[p11 + d] = at === 3 ? grad : 0;
        }
      }
    }
  }
}
