/**
 * DepthwiseConv2dNativeBackpropFilter for wasm (missing from the package): a direct loop on the
 * wasm heap, innermost over the contiguous channel axis. Strides, dilations and padding as tfjs.
 */
import type * as tf from "@tensorflow/tfjs";
import { depthwiseGeometry } from "./conv_util.js";
import { type KernelArgs, f32 } from "./wasm_backend.js";

export function depthwiseConv2dNativeBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { backend } = args;
  const attrs = args.attrs ?? {};
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const filterShape = attrs.filterShape as number[];
  const { n, h, w, ci, fh, fw, mult, ho, wo, sh, sw, dh, dw, top, left, co } = depthwiseGeometry(
    x.shape,
    filterShape,
    attrs,
  );

  const out = backend.makeOutput([fh, fw, ci, mult], "float32");
  const dW = f32(backend, out);
  const xs = f32(backend, x);
  const dys = f32(backend, dy);
  dW.fill(0);
  for (let a = 0; a < fh; a++) {
    for (let b = 0; b < fw; b++) {
      const wBase = (a * fw + b) * co; // dW[a,b,c,m] at wBase + c*mult + m
      for (let bi = 0; bi < n; bi++) {
        for (let i = 0; i < ho; i++) {
          const y = i * sh + a * dh - top;
          if (y < 0 || y >= h) continue;
          for (let j = 0; j < wo; j++) {
            const xx = j * sw + b * dw - left;
            if (xx < 0 || xx >= w) continue;
            const xBase = ((bi * h + y) * w + xx) * ci;
            const dyBase = ((bi * ho + i) * wo + j) * co;
            if (mult === 1) {
              for (let c = 0; c < ci; c++) {
                dW[wBase + c] += (xs[xBase + c] as number) * (dys[dyBase + c] as number);
              }
            } else {
              for (let c = 0; c < ci; c++) {
                const xv = xs[xBase + c] as number;
                const o = c * mult;
                for (let m = 0; m < mult; m++) {
                  dW[wBase + o + m] += xv * (dys[dyBase + o + m] as number);
                }
              }
            }
          }
        }
      }
    }
  }
  return out;
}
