/**
 * Conv2DBackpropInput for wasm: dx as an XNNPACK convolution of the output gradient with the
 * flipped, in/out-swapped filter. Stride 1 pads through XNNPACK; strides > 1 (or padding beyond the
 * filter) first spread dy onto a zero grid (the transposed-convolution identity), then convolve.
 */
import type * as tf from "@tensorflow/tfjs";
import { conv2DBackpropInputGemm } from "./col2im.js";
import { conv2d, convInfo } from "./conv_util.js";
import { type KernelArgs, type WasmBackend, f32, release, zeros } from "./wasm_backend.js";

/** W[a,b,ci,co] -> Wf[fh-1-a, fw-1-b, co, ci]. */
function flipFilter(backend: WasmBackend, filter: tf.TensorInfo): tf.TensorInfo {
  const [fh, fw, ci, co] = filter.shape as [number, number, number, number];
  const out = backend.makeOutput([fh, fw, co, ci], "float32");
  const src = f32(backend, filter);
  const dst = f32(backend, out);
  for (let a = 0; a < fh; a++) {
    for (let b = 0; b < fw; b++) {
      const s0 = (a * fw + b) * ci * co;
      const d0 = ((fh - 1 - a) * fw + (fw - 1 - b)) * co * ci;
      for (let i = 0; i < ci; i++) {
        for (let o = 0; o < co; o++) dst[d0 + o * ci + i] = src[s0 + i * co + o] as number;
      }
    }
  }
  return out;
}

/** dy [n,ho,wo,c] placed at (top + i*sh, left + j*sw) of a zero [n, hp, wp, c] grid (cropped). */
function spread(
  backend: WasmBackend,
  dy: tf.TensorInfo,
  hp: number,
  wp: number,
  top: number,
  left: number,
  sh: number,
  sw: number,
): tf.TensorInfo {
  const [n, ho, wo, c] = dy.shape as [number, number, number, number];
  const out = zeros(backend, [n, hp, wp, c]);
  const src = f32(backend, dy);
  const dst = f32(backend, out);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      const y = top + i * sh;
      if (y < 0 || y >= hp) continue;
      for (let j = 0; j < wo; j++) {
        const x = left + j * sw;
        if (x < 0 || x >= wp) continue;
        const from = ((b * ho + i) * wo + j) * c;
        dst.set(src.subarray(from, from + c), ((b * hp + y) * wp + x) * c);
      }
    }
  }
  return out;
}

/** Which form computes dx: a padded convolution, or a matrix product and col2im. */
export type BackpropInputPath = "conv" | "gemm";

let forcedPath: BackpropInputPath | undefined;

/** Forces one path (tests exercise both); `undefined` restores the automatic choice. */
export function forceConv2DBackpropInputPath(path: BackpropInputPath | undefined): void {
  forcedPath = path;
}

/**
 * The convolution form works on the whole dx grid: it does h*w/(ho*wo) times the needed products
 * (padding taps of a "valid" gradient, stride holes), and strides need a JS spread of dy first. The
 * gemm form does only the needed products but scatters columns in JS. Measured with fresh tensors
 * (bench machine): gemm wins from a 2x waste ratio (e.g. 5x5 valid on 10x10: 21 vs 25 ms) and for
 * any stride; the convolution wins at stride 1 with "same" padding (5 vs 11 ms on [32,14,14,32]).
 */
export function chooseConv2DBackpropInputPath(
  inputShape: number[],
  info: tf.backend_util.Conv2DInfo,
): BackpropInputPath {
  if (forcedPath !== undefined) return forcedPath;
  const [n, h, w] = inputShape as [number, number, number];
  const { outHeight: ho, outWidth: wo } = info;
  const cols = n * ho * wo * info.filterHeight * info.filterWidth * info.inChannels;
  if (cols > MAX_GEMM_COLS) return "conv";
  const strided = info.strideHeight > 1 || info.strideWidth > 1;
  return strided || h * w >= GEMM_WASTE_RATIO * ho * wo ? "gemm" : "conv";
}

/** From this ratio of dx pixels to dy pixels the gemm form is faster (measured). */
const GEMM_WASTE_RATIO = 2;

/** Largest column matrix (floats) the gemm form may allocate: 128 MiB. */
const MAX_GEMM_COLS = 1 << 25;

export function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { backend } = args;
  const attrs = args.attrs ?? {};
  const dy = args.inputs.dy as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  const inputShape = attrs.inputShape as number[];
  const info = convInfo(inputShape, filter.shape, { ...attrs, dilations: 1 });
  const h = inputShape[1] as number;
  const w = inputShape[2] as number;
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info;
  const fh = info.filterHeight;
  const fw = info.filterWidth;
  const top = fh - 1 - info.padInfo.top;
  const left = fw - 1 - info.padInfo.left;
  const bottom = h - ho + info.padInfo.top;
  const right = w - wo + info.padInfo.left;

  const path = chooseConv2DBackpropInputPath(inputShape, info);
  if (path === "gemm") return conv2DBackpropInputGemm(backend, dy, filter, inputShape, info);

  const flipped = flipFilter(backend, filter);
  let dx: tf.TensorInfo;
  if (sh === 1 && sw === 1 && top >= 0 && left >= 0 && bottom >= 0 && right >= 0) {
    dx = conv2d(backend, dy, flipped, [1, 1], [1, 1], { top, bottom, left, right });
  } else {
    const grid = spread(backend, dy, h + fh - 1, w + fw - 1, top, left, sh, sw);
    dx = conv2d(backend, grid, flipped, [1, 1], [1, 1], { top: 0, bottom: 0, left: 0, right: 0 });
    release(backend, grid);
  }
  release(backend, flipped);
  return dx;
}
