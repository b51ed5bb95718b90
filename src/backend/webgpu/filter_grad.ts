/**
 * Filter gradients of conv2d and depthwise conv2d for webgpu, parallel over the batch. The
 * package computes each filter weight in one thread that loops over every output position of
 * the whole batch: a LeNet's first conv (9x9x1x10) gets 810 threads, each summing
 * batch x 20 x 20 products in sequence, so the step's time grows with the batch while the GPU
 * idles. Here the output positions are split into chunks: one thread per (chunk, weight) sums
 * its chunk, then tfjs's Sum adds the chunks' partial sums (also a more accurate summation).
 */
import * as tf from "@tensorflow/tfjs";
import {
  type KernelArgs,
  type WebGPUProgram,
  flatProgram,
  release,
  runOriginal,
  sizeOf,
} from "./program.js";

/** Threads to aim for: enough to fill a large GPU several times over. */
const TARGET_THREADS = 1 << 19;
/** Fewest positions a thread sums, so small problems do not drown in partial sums. */
const MIN_CHUNK = 64;

/** Chunks of `positions` for `weights` filter values: [count, size]. */
export function planChunks(positions: number, weights: number): [number, number] {
  const wanted = Math.max(1, Math.ceil(TARGET_THREADS / weights));
  const most = Math.max(1, Math.floor(positions / MIN_CHUNK));
  const size = Math.ceil(positions / Math.min(wanted, most));
  return [Math.ceil(positions / size), size];
}

/**
 * WGSL body: thread `index` -> chunk `p` and filter weight `(kh, kw, ci, m)`; `depthwise`
 * picks dy's channel `ci * M + m` and x's channel `ci`, else dy's `m` (= out channel) and x's
 * `ci`. Walks (n, oh, ow) incrementally to keep integer division out of the loop.
 */
function program(outShape: number[], depthwise: boolean): WebGPUProgram {
  const dyChannel = depthwise ? "ci * uniforms.channels.y + m" : "m";
  return {
    ...flatProgram(outShape),
    shaderKey: `polytask_filterGrad_${depthwise ? "depthwise" : "conv"}`,
    variableNames: ["x", "dy"],
    uniforms:
      "strides : vec2<i32>, pads : vec2<i32>, dilations : vec2<i32>, inDims : vec2<i32>, " +
      "outDims : vec2<i32>, filterDims : vec2<i32>, channels : vec2<i32>, positions : i32, " +
      "chunk : i32,",
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          var w = coords[1];
          let m = w % uniforms.channels.y;
          w = w / uniforms.channels.y;
          let ci = w % uniforms.channels.x;
          w = w / uniforms.channels.x;
          let kw = w % uniforms.filterDims.y;
          let kh = w / uniforms.filterDims.y;
          let offR = kh * uniforms.dilations.x - uniforms.pads.x;
          let offC = kw * uniforms.dilations.y - uniforms.pads.y;
          let start = coords[0] * uniforms.chunk;
          let end = min(start + uniforms.chunk, uniforms.positions);
          let perImage = uniforms.outDims.x * uniforms.outDims.y;
          var n = start / perImage;
          let rest = start - n * perImage;
          var oh = rest / uniforms.outDims.y;
          var ow = rest - oh * uniforms.outDims.y;
          var sum = 0.0;
          for (var q = start; q < end; q++) {
            let xR = oh * uniforms.strides.x + offR;
            let xC = ow * uniforms.strides.y + offC;
            if (xR >= 0 && xR < uniforms.inDims.x && xC >= 0 && xC < uniforms.inDims.y) {
              sum = sum + getX(n, xR, xC, ci) * getDy(n, oh, ow, ${dyChannel});
            }
            ow = ow + 1;
            if (ow == uniforms.outDims.y) {
              ow = 0;
              oh = oh + 1;
              if (oh == uniforms.outDims.x) {
                oh = 0;
                n = n + 1;
              }
            }
          }
          setOutputAtIndex(index, sum);
        }
      }`,
  };
}

function filterGrad(args: KernelArgs, depthwise: boolean): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const kernelName = depthwise ? "DepthwiseConv2dNativeBackpropFilter" : "Conv2DBackpropFilter";
  const a = attrs as {
    strides: number | [number, number];
    pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
    dataFormat?: "NHWC" | "NCHW";
    dimRoundingMode?: "floor" | "round" | "ceil";
    dilations?: number | [number, number];
    filterShape: [number, number, number, number];
  };
  if ((a.dataFormat ?? "NHWC") !== "NHWC" || x.dtype !== "float32" || x.shape.length !== 4) {
    return runOriginal(backend, kernelName, inputs, attrs);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    depthwise ? (a.dilations ?? 1) : 1,
    a.pad,
    a.dimRoundingMode,
    depthwise,
  );
  const weights = sizeOf(a.filterShape);
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const [chunks, chunk] = planChunks(positions, weights);
  const partial = backend.runWebGPUProgram(
    program([chunks, weights], depthwise),
    [x, dy],
    "float32",
    [
      { type: "int32", data: [info.strideHeight, info.strideWidth] },
      { type: "int32", data: [info.padInfo.top, info.padInfo.left] },
      { type: "int32", data: [info.dilationHeight, info.dilationWidth] },
      { type: "int32", data: [info.inHeight, info.inWidth] },
      { type: "int32", data: [info.outHeight, info.outWidth] },
      { type: "int32", data: [info.filterHeight, info.filterWidth] },
      { type: "int32", data: [a.filterShape[2], a.filterShape[3]] },
      { type: "int32", data: [positions] },
      { type: "int32", data: [chunk] },
    ],
  );
  const sum =
    chunks === 1
      ? partial
      : runOriginal(backend, "Sum", { x: partial }, { axis: [0], keepDims: false });
  const out = runOriginal(backend, "Reshape", { x: sum }, { shape: a.filterShape });
  release(backend, ...(sum === partial ? [partial] : [partial, sum]));
  return out;
}

export const conv2DBackpropFilter = (args: KernelArgs) => filterGrad(args, false);
export const depthwiseConv2dNativeBackpropFilter = (args: KernelArgs) => filterGrad(args, true);
