/**
 * Per-sample image augmentation runs as plain loops over the batch's values (one read of the
 * tensor, one new tensor): much faster than chains of small tensor ops on the cpu and wasm
 * backends, and bit-identical on every backend since the arithmetic is JavaScript's.
 */
import * as tf from "@tensorflow/tfjs";

export interface ImageBatch {
  /** Values of [n, h, w, c], sample-major. */
  data: Float32Array;
  n: number;
  h: number;
  w: number;
  c: number;
}

/** Runs `fn` over a copy of `x`'s values and returns the result as a new [n, oh, ow, c] tensor. */
export function mapImages(
  x: tf.Tensor,
  out: { h: number; w: number },
  fn: (src: ImageBatch, dst: ImageBatch) => void,
): tf.Tensor {
  const [n, h, w, c] = x.shape as number[];
  const raw = x.dataSync();
  const src: ImageBatch = {
    data: raw instanceof Float32Array ? raw : Float32Array.from(raw),
    n,
    h,
    w,
    c,
  };
  const dst: ImageBatch = {
    data: new Float32Array(n * out.h * out.w * c),
    n,
    h: out.h,
    w: out.w,
    c,
  };
  fn(src, dst);
  return tf.tensor4d(dst.data, [n, out.h, out.w, c]);
}

/**
 * Copies sample `i` of `src` into `dst` with an integer offset: dst(y, x) = src(y + oy, x + ox),
 * or `fill` where that falls outside the source.
 */
export function copyShifted(
  src: ImageBatch,
  dst: ImageBatch,
  i: number,
  oy: number,
  ox: number,
  fill: number,
): void {
  const { h, w, c } = src;
  const sBase = i * h * w * c;
  const dBase = i * dst.h * dst.w * c;
  const rowLen = dst.w * c;
  // destination columns [x0, x1) read source columns [x0 + ox, x1 + ox), one block per row
  const x0 = Math.max(0, -ox);
  const x1 = Math.min(dst.w, w - ox);
  for (let y = 0; y < dst.h; y++) {
    const sy = y + oy;
    const dRow = dBase + y * rowLen;
    if (sy < 0 || sy >= h || x1 <= x0) {
      dst.data.fill(fill, dRow, dRow + rowLen);
      continue;
    }
    if (x0 > 0) dst.data.fill(fill, dRow, dRow + x0 * c);
    const s0 = sBase + (sy * w + x0 + ox) * c;
    dst.data.set(src.data.subarray(s0, s0 + (x1 - x0) * c), dRow + x0 * c);
    if (x1 < dst.w) dst.data.fill(fill, dRow + x1 * c, dRow + rowLen);
  }
}
