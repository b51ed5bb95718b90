import * as tf from "@tensorflow/tfjs";
/** Shared pieces of the convolution-gradient kernels: attrs -> geometry, and one padded Conv2D. */
import { BackendError } from "../../errors.js";
import { type Attrs, type WasmBackend, runOriginal } from "./wasm_backend.js";

/** [top, bottom, left, right] padding of a 2-D convolution. */
export interface Pads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** tfjs's conv geometry for NHWC attrs (only channelsLast is supported on wasm). */
export function convInfo(
  xShape: number[],
  filterShape: number[],
  attrs: Attrs,
  depthwise = false,
): tf.backend_util.Conv2DInfo {
  const format = (attrs.dataFormat as string | undefined) ?? "NHWC";
  if (format !== "NHWC" && format !== "channelsLast") {
    throw new BackendError(
      `The wasm backend's convolution kernels support dataFormat "NHWC" only, got ${JSON.stringify(format)}.`,
      { field: "dataFormat", value: format, expected: "NHWC" },
    );
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    (attrs.dilations as number | [number, number] | undefined) ?? 1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    depthwise,
    "channelsLast",
  );
}

/** XNNPACK Conv2D (the package's kernel) with explicit, non-negative padding. */
export function conv2d(
  backend: WasmBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  strides: [number, number],
  dilations: [number, number],
  pads: Pads,
): tf.TensorInfo {
  const pad = [
    [0, 0],
    [pads.top, pads.bottom],
    [pads.left, pads.right],
    [0, 0],
  ];
  return runOriginal(
    backend,
    "Conv2D",
    { x, filter },
    { strides, dilations, pad, dataFormat: "NHWC", dimRoundingMode: undefined },
  );
}

/** The NHWC geometry both depthwise-gradient loops walk (dy has co = ci * mult channels). */
export interface DepthwiseGeometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  fh: number;
  fw: number;
  mult: number;
  ho: number;
  wo: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  top: number;
  left: number;
  co: number;
}

/** Shapes of x [n,h,w,ci] and filter [fh,fw,ci,mult] plus the attrs' strides, dilations, pads. */
export function depthwiseGeometry(
  xShape: number[],
  filterShape: number[],
  attrs: Attrs,
): DepthwiseGeometry {
  const info = convInfo(xShape, filterShape, attrs, true);
  const [n, h, w, ci] = xShape as [number, number, number, number];
  const [fh, fw, , mult] = filterShape as [number, number, number, number];
  return {
    n,
    h,
    w,
    ci,
    fh,
    fw,
    mult,
    ho: info.outHeight,
    wo: info.outWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
    co: ci * mult,
  };
}
