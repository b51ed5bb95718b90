import * as tf from "@tensorflow/tfjs";
/**
 * Training kernels for tfjs's `wasm` backend: registers fast (or missing) gradient kernels on the
 * already-initialised "wasm" backend and returns the names it patched.
 */
import { BackendError } from "../../errors.js";
import { batchMatMul } from "./batch_mat_mul.js";
import { conv2DBackpropFilter } from "./conv2d_backprop_filter.js";
import { conv2DBackpropInput } from "./conv2d_backprop_input.js";
import { foldedConv } from "./conv2d_fold.js";
import { depthwiseConv2dNativeBackpropFilter } from "./depthwise_backprop_filter.js";
import { depthwiseConv2dNativeBackpropInput } from "./depthwise_backprop_input.js";
import { fusedMatMul } from "./fused_mat_mul.js";
import { maxPoolGrad } from "./max_pool_grad.js";
import { unsortedSegmentSum } from "./unsorted_segment_sum.js";
import { type WasmKernelFunc, saveOriginal } from "./wasm_backend.js";

export { enableWasmThreadsInNode } from "./threads_node.js";

/** Our kernels by tfjs kernel name. */
const KERNELS: ReadonlyArray<readonly [string, WasmKernelFunc]> = [
  ["Conv2DBackpropFilter", conv2DBackpropFilter],
  ["Conv2DBackpropInput", conv2DBackpropInput],
  ["DepthwiseConv2dNativeBackpropFilter", depthwiseConv2dNativeBackpropFilter],
  ["DepthwiseConv2dNativeBackpropInput", depthwiseConv2dNativeBackpropInput],
  ["UnsortedSegmentSum", unsortedSegmentSum],
  ["BatchMatMul", batchMatMul],
  ["_FusedMatMul", fusedMatMul],
  ["MaxPoolGrad", maxPoolGrad],
  ["Conv2D", foldedConv("Conv2D")],
  ["FusedConv2D", foldedConv("FusedConv2D")],
];

/** Kernel names this module patches, in registration order. */
export const WASM_TRAINING_KERNELS: readonly string[] = KERNELS.map(([name]) => name);

/**
 * Registers (or replaces) our training kernels for "wasm". Idempotent: calling it again re-registers
 * the same functions. Saves the package's own kernels first so ours can delegate to them. Works
 * before or after tf.setBackend("wasm"). Throws when the wasm backend is not registered.
 */
export function registerWasmTrainingKernels(): string[] {
  if (tf.findBackendFactory("wasm") == null && tf.findBackend("wasm") == null) {
    throw new BackendError(
      'The "wasm" backend is not registered, so its training kernels cannot be: import "@tensorflow/tfjs-backend-wasm" first.',
      { field: "backend", value: "wasm", expected: "a registered wasm backend" },
    );
  }
  // Save every original first: our kernels call the package's Conv2D, Transpose, BatchMatMul...
  for (const name of ["Conv2D", "FusedConv2D", "Transpose", "BatchMatMul", "_FusedMatMul"]) {
    saveOriginal(name);
  }
  for (const [name] of KERNELS) saveOriginal(name);
  const patched: string[] = [];
  for (const [kernelName, kernelFunc] of KERNELS) {
    const current = tf.getKernel(kernelName, "wasm");
    if (current !== undefined) tf.unregisterKernel(kernelName, "wasm");
    // Keep the package's setup (its cwrap of the C++ function): when this runs before the backend
    // initialises, the engine calls it at init, and our kernels may delegate to that function.
    const setupFunc = current?.setupFunc;
    tf.registerKernel({
      kernelName,
      backendName: "wasm",
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
      ...(setupFunc === undefined ? {} : { setupFunc }),
    });
    patched.push(kernelName);
  }
  return patched;
}
