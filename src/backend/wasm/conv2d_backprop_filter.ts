/**
 * Conv2DBackpropFilter for wasm: dW as a convolution of the transposed input ([Ci,H,W,N]) with the
 * transposed output gradient ([Ho,Wo,N,Co]) used as the filter, dilated by the forward stride, so
 * XNNPACK does the work (the package has no such kernel).
 */
import type * as tf from "@tensorflow/tfjs";
import { conv2d, convInfo } from "./conv_util.js";
import { type KernelArgs, f32, release, transpose, zeros } from "./wasm_backend.js";

export function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { backend } = args;
  const attrs = args.attrs ?? {};
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const filterShape = attrs.filterShape as number[];
  const info = convInfo(x.shape, filterShape, { ...attrs, dilations: 1 });
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw, outChannels: co } = info;
  const fh = info.filterHeight;
  const fw = info.filterWidth;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Output rows of the helper conv: h + top + bottom - ((ho-1)*sh + 1) + 1; we need fh of them.
  const bottom = Math.max(0, fh + (ho - 1) * sh - h - top);
  const right = Math.max(0, fw + (wo - 1) * sw - w - left);

  if (n === 0) return zeros(backend, [fh, fw, ci, co]);

  const xT = transpose(backend, x, [3, 1, 2, 0]); // [ci, h, w, n]
  const dyT = transpose(backend, dy, [1, 2, 0, 3]); // [ho, wo, n, co]
  const full = conv2d(backend, xT, dyT, [1, 1], [sh, sw], { top, bottom, left, right });
  release(backend, xT, dyT);

  // full: [ci, oh, ow, co] with oh >= fh, ow >= fw -> dW: [fh, fw, ci, co].
  const oh = full.shape[1] as number;
  const ow = full.shape[2] as number;
  const dw = backend.makeOutput([fh, fw, ci, co], "float32");
  const src = f32(backend, full);
  const dst = f32(backend, dw);
  for (let c = 0; c < ci; c++) {
    for (let a = 0; a < fh; a++) {
      for (let b = 0; b < fw; b++) {
        const from = ((c * oh + a) * ow + b) * co;
        dst.set(src.subarray(from, from + co), ((a * fw + b) * ci + c) * co);
      }
    }
  }
  release(backend, full);
  return dw;
}
