/**
 * MaxPoolGrad for wasm: one pass over the pooling windows on the wasm heap, innermost over the
 * contiguous channel axis, routing each dy to the first maximum of its window (ties and -Infinity
 * handled as tfjs's cpu kernel does). The package's kernel was the step's top hot spot.
 */
import * as tf from "@tensorflow/tfjs";
import { type KernelArgs, f32 } from "./wasm_backend.js";

export function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
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
 * The common 2x2/stride-2 unpadded pool: windows do not overlap, so after a native zero fill each
 * window is four loads and one store (dy goes to its first maximum).
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
  dx.fill(0);
  const row = w * c;
  let g = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      let p00 = (b * h + 2 * i) * row;
      for (let j = 0; j < wo; j++, p00 += 2 * c) {
        const p10 = p00 + row;
        for (let d = 0; d < c; d++, g++) {
          // First maximum in scan order (00, 01, 10, 11); none when all are -Infinity or NaN.
          let at = -1;
          let best = Number.NEGATIVE_INFINITY;
          let v = xs[p00 + d] as number;
          if (v > best) {
            best = v;
            at = p00 + d;
          }
          v = xs[p00 + c + d] as number;
          if (v > best) {
            best = v;
            at = p00 + c + d;
          }
          v = xs[p10 + d] as number;
          if (v > best) {
            best = v;
            at = p10 + d;
          }
          v = xs[p10 + c + d] as number;
          if (v > best) at = p10 + c + d;
          if (at >= 0) dx[at] = dys[g] as number;
        }
      }
    }
  }
}
