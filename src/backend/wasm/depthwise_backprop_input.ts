/**
 * DepthwiseConv2dNativeBackpropInput for wasm (missing from the package): a direct scatter loop on
 * the wasm heap, innermost over the contiguous channel axis. Strides, dilations and padding as tfjs.
 */
import type * as tf from "@tensorflow/tfjs";
import { depthwiseGeometry } from "./conv_util.js";
import { type KernelArgs, f32 } from "./wasm_backend.js";

export function depthwiseConv2dNativeBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { backend } = args;
  const attrs = args.attrs ?? {};
  const dy = args.inputs.dy as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  const inputShape = attrs.inputShape as number[];
  const { n, h, w, ci, fh, fw, mult, ho, wo, sh, sw, dh, dw, top, left, co } = depthwiseGeometry(
    inputShape,
    filter.shape,
    attrs,
  );

  const out = backend.makeOutput([n, h, w, ci], "float32");
  const dx = f32(backend, out);
  const ws = f32(backend, filter);
  const dys = f32(backend, dy);
  dx.fill(0);
  for (let bi = 0; bi < n; bi++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        const dyBase = ((bi * ho + i) * wo + j) * co;
        for (let a = 0; a < fh; a++) {
          const y = i * sh + a * dh - top;
          if (y < 0 || y >= h) continue;
          for (let b = 0; b < fw; b++) {
            const xx = j * sw + b * dw - left;
            if (xx < 0 || xx >= w) continue;
            const xBase = ((bi * h + y) * w + xx) * ci;
            const wBase = (a * fw + b) * co;
            if (mult === 1) {
              for (let c = 0; c < ci; c++) {
                dx[xBase + c] += (ws[wBase + c] as number) * (dys[dyBase + c] as number);
              }
            } else {
              for (let c = 0; c < ci; c++) {
                let acc = 0;
                const o = c * mult;
                for (let m = 0; m < mult; m++) {
                  acc += (ws[wBase + o + m] as number) * (dys[dyBase + o + m] as number);
                }
                dx[xBase + c] += acc;
              }
            }
          }
        }
      }
    }
  }
  return out;
}
