/**
 * AddN for webgpu with any number of inputs. The package binds every input as a storage buffer
 * of one shader, so past the device's `maxStorageBuffersPerShaderStage` (8 unless raised, the
 * output included) the pipeline is invalid and the result silently stays zero: summing the
 * losses of 8 or more tasks (`tf.addN`) did that. This sums groups that fit, then their sums.
 */
import type * as tf from "@tensorflow/tfjs";
import { type Inputs, type KernelArgs, release, runOriginal } from "./program.js";

export function addN(args: KernelArgs): tf.TensorInfo {
  const { backend, attrs = {} } = args;
  // tfjs passes AddN's inputs as an array, and the package's kernel reads it as one.
  const tensors = Object.values(args.inputs) as tf.TensorInfo[];
  // One binding is the output; keep at least two inputs per group so the recursion shrinks.
  const perShader = Math.max(2, (backend.device.limits.maxStorageBuffersPerShaderStage ?? 8) - 1);
  if (tensors.length <= perShader) {
    return runOriginal(backend, "AddN", tensors as unknown as Inputs, attrs);
  }
  const next: tf.TensorInfo[] = [];
  const made: tf.TensorInfo[] = [];
  for (let i = 0; i < tensors.length; i += perShader) {
    const group = tensors.slice(i, i + perShader);
    if (group.length === 1) {
      next.push(group[0] as tf.TensorInfo);
    } else {
      const sum = runOriginal(backend, "AddN", group as unknown as Inputs, attrs);
      next.push(sum);
      made.push(sum);
    }
  }
  const out = addN({ inputs: next as unknown as Inputs, backend, attrs });
  release(backend, ...made);
  return out;
}
