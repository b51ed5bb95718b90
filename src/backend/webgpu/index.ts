/**
 * Training kernels for tfjs's `webgpu` backend: registers polytask's replacements for the
 * package's kernels that training gets wrong (MaxPoolGrad's tie rule, AddN past 7 inputs) or
 * runs with too little parallelism (the filter gradients), and returns their names.
 */
import * as tf from "@tensorflow/tfjs";
import { BackendError } from "../../errors.js";
import { addN } from "./add_n.js";
import { conv2DBackpropFilter, depthwiseConv2dNativeBackpropFilter } from "./filter_grad.js";
import { maxPoolGrad } from "./max_pool_grad.js";
import { type WebGPUKernelFunc, saveOriginal } from "./program.js";

/** Our kernels by tfjs kernel name. */
const KERNELS: ReadonlyArray<readonly [string, WebGPUKernelFunc]> = [
  ["MaxPoolGrad", maxPoolGrad],
  ["AddN", addN],
  ["Conv2DBackpropFilter", conv2DBackpropFilter],
  ["DepthwiseConv2dNativeBackpropFilter", depthwiseConv2dNativeBackpropFilter],
];

/** Kernel names this module patches, in registration order. */
export const WEBGPU_TRAINING_KERNELS: readonly string[] = KERNELS.map(([name]) => name);

/**
 * Registers (or replaces) our training kernels for "webgpu"; idempotent. Saves the package's
 * own kernels first so ours can delegate to them. Throws when the package's kernels are not
 * registered (import "@tensorflow/tfjs-backend-webgpu" first).
 */
export function registerWebGPUTrainingKernels(): string[] {
  if (tf.getKernel("MaxPoolGrad", "webgpu") === undefined) {
    throw new BackendError(
      'The "webgpu" kernels are not registered, so polytask cannot patch them: import ' +
        '"@tensorflow/tfjs-backend-webgpu" first.',
      { field: "backend", value: "webgpu", expected: "tfjs-backend-webgpu 4.22's kernels" },
    );
  }
  for (const name of ["Sum", "Reshape", "Identity"]) saveOriginal(name);
  for (const [name] of KERNELS) saveOriginal(name);
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (tf.getKernel(kernelName, "webgpu") !== undefined) tf.unregisterKernel(kernelName, "webgpu");
    tf.registerKernel({
      kernelName,
      backendName: "webgpu",
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    });
  }
  return [...WEBGPU_TRAINING_KERNELS];
}
