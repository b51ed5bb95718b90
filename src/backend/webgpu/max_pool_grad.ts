/**
 * MaxPoolGrad for webgpu with the tie rule of cpu, wasm and TensorFlow: the gradient of a window
 * goes to its *first* maximum in row-major order. The package's kernel takes the last one
 * (`value >= max`), so wherever a window holds equal values, which is everywhere on the blank
 * background of an MNIST digit once a conv has added its bias, its weights drift from every
 * other backend's. Two passes, as the package does: the first maximum of each window, then each
 * input element gathers the dy of the windows that chose it.
 */
import * as tf from "@tensorflow/tfjs";
import {
  type KernelArgs,
  type WebGPUProgram,
  flatProgram,
  release,
  runOriginal,
} from "./program.js";

function positionsProgram(outShape: number[]): WebGPUProgram {
  return {
    ...flatProgram(outShape, 128),
    shaderKey: "polytask_maxPoolFirstPositions",
    variableNames: ["x"],
    uniforms: "strides : vec2<i32>, pads : vec2<i32>, inDims : vec2<i32>, filterDims : vec2<i32>,",
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          let batch = coords[0];
          let d = coords[3];
          let corner = vec2<i32>(coords[1], coords[2]) * uniforms.strides - uniforms.pads;
          var best = -uniforms.INFINITY;
          var position = -1;
          for (var wR = 0; wR < uniforms.filterDims.x; wR++) {
            let xR = corner.x + wR;
            if (xR < 0 || xR >= uniforms.inDims.x) { continue; }
            for (var wC = 0; wC < uniforms.filterDims.y; wC++) {
              let xC = corner.y + wC;
              if (xC < 0 || xC >= uniforms.inDims.y) { continue; }
              let value = getX(batch, xR, xC, d);
              if (value > best) {
                best = value;
                position = wR * uniforms.filterDims.y + wC;
              }
            }
          }
          setOutputAtIndexI32(index, position);
        }
      }`,
  };
}

function backpropProgram(inShape: number[]): WebGPUProgram {
  return {
    ...flatProgram(inShape),
    shaderKey: "polytask_maxPoolFirstBackprop",
    variableNames: ["dy", "maxPos"],
    uniforms: "strides : vec2<i32>, pads : vec2<i32>, filterDims : vec2<i32>, outDims : vec2<i32>,",
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          let batch = coords[0];
          let d = coords[3];
          let padded = vec2<i32>(coords[1], coords[2]) + uniforms.pads;
          var sum = 0.0;
          for (var wR = 0; wR < uniforms.filterDims.x; wR++) {
            let r = padded.x - wR;
            if (r < 0 || r % uniforms.strides.x != 0) { continue; }
            let yR = r / uniforms.strides.x;
            if (yR >= uniforms.outDims.x) { continue; }
            for (var wC = 0; wC < uniforms.filterDims.y; wC++) {
              let c = padded.y - wC;
              if (c < 0 || c % uniforms.strides.y != 0) { continue; }
              let yC = c / uniforms.strides.y;
              if (yC >= uniforms.outDims.y) { continue; }
              if (i32(getMaxPos(batch, yR, yC, d)) == wR * uniforms.filterDims.y + wC) {
                sum = sum + getDy(batch, yR, yC, d);
              }
            }
          }
          setOutputAtIndex(index, sum);
        }
      }`,
  };
}

export function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  if (input.shape.length !== 4 || input.dtype !== "float32") {
    return runOriginal(backend, "MaxPoolGrad", inputs, attrs);
  }
  const a = attrs as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: "valid" | "same" | number;
    dimRoundingMode?: "floor" | "round" | "ceil";
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const strides = [info.strideHeight, info.strideWidth];
  const pads = [info.padInfo.top, info.padInfo.left];
  const filter = [info.effectiveFilterHeight, info.effectiveFilterWidth];
  const positions = backend.runWebGPUProgram(positionsProgram(info.outShape), [input], "int32", [
    { type: "int32", data: strides },
    { type: "int32", data: pads },
    { type: "int32", data: [info.inHeight, info.inWidth] },
    { type: "int32", data: filter },
  ]);
  const dx = backend.runWebGPUProgram(backpropProgram(info.inShape), [dy, positions], "float32", [
    { type: "int32", data: strides },
    { type: "int32", data: pads },
    { type: "int32", data: filter },
    { type: "int32", data: [info.outHeight, info.outWidth] },
  ]);
  release(backend, positions);
  return dx;
}
