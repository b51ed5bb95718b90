import * as tf from "@tensorflow/tfjs";
/**
 * The small slice of tfjs-backend-wasm's `BackendWasm` that our kernels use, and helpers to run
 * other wasm kernels from inside a kernel (the way tfjs's own composite kernels do).
 */
import { BackendError } from "../../errors.js";

export type Shape = number[];
export type HeapArray = Float32Array | Int32Array | Uint8Array;

/** What our kernels need from tfjs-backend-wasm's BackendWasm (not exported as a type there). */
export interface WasmBackend {
  makeOutput(shape: Shape, dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  typedArrayFromHeap(info: tf.TensorInfo): HeapArray;
}

export type Attrs = Record<string, unknown>;
export type Inputs = Record<string, tf.TensorInfo>;

/** What tfjs passes to a kernel function. */
export interface KernelArgs {
  inputs: Inputs;
  backend: WasmBackend;
  attrs?: Attrs;
}

/** A kernel function as registered with tf.registerKernel. */
export type WasmKernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Kernels as the wasm package shipped them, saved before we replace any of them. */
const originals = new Map<string, WasmKernelFunc>();

/** Remember the package's own kernel `name` (first call wins, so re-registration is safe). */
export function saveOriginal(name: string): void {
  if (originals.has(name)) return;
  const config = tf.getKernel(name, "wasm");
  if (config !== undefined) originals.set(name, config.kernelFunc as unknown as WasmKernelFunc);
}

const notRegistered = (name: string): BackendError =>
  new BackendError(`The wasm kernel ${name} is not registered.`, {
    field: "kernel",
    value: name,
    expected: "a kernel of @tensorflow/tfjs-backend-wasm 4.22",
  });

/** Runs the package's own kernel `name` (the saved original when we replaced it). */
export function runOriginal(
  backend: WasmBackend,
  name: string,
  inputs: Inputs,
  attrs: Attrs = {},
): tf.TensorInfo {
  const fn =
    originals.get(name) ??
    (tf.getKernel(name, "wasm")?.kernelFunc as unknown as WasmKernelFunc | undefined);
  if (fn === undefined) throw notRegistered(name);
  const out = fn({ inputs, backend, attrs });
  return Array.isArray(out) ? (out[0] as tf.TensorInfo) : out;
}

/** Runs the currently registered wasm kernel `name` (ours when we patched it). */
export function runKernel(
  backend: WasmBackend,
  name: string,
  inputs: Inputs,
  attrs: Attrs = {},
): tf.TensorInfo {
  const config = tf.getKernel(name, "wasm");
  if (config === undefined) throw notRegistered(name);
  const out = (config.kernelFunc as unknown as WasmKernelFunc)({ inputs, backend, attrs });
  return Array.isArray(out) ? (out[0] as tf.TensorInfo) : out;
}

/** Frees intermediate tensor infos made inside a kernel. */
export function release(backend: WasmBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A float32 view of a tensor's bytes on the wasm heap (re-take it after any allocation). */
export function f32(backend: WasmBackend, info: tf.TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) {
    throw new BackendError(`A wasm training kernel expected a float32 tensor, got ${info.dtype}.`, {
      field: "dtype",
      value: info.dtype,
      expected: "float32",
    });
  }
  return view;
}

/** Transposes with the package's Transpose kernel. */
export function transpose(backend: WasmBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runOriginal(backend, "Transpose", { x }, { perm });
}

/** A new float32 output filled with zeros. */
export function zeros(backend: WasmBackend, shape: Shape): tf.TensorInfo {
  const out = backend.makeOutput(shape, "float32");
  f32(backend, out).fill(0);
  return out;
}

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/**
 * A rank-1 [n] bias for the package's fused kernels (they check the stored rank and size): the
 * given one, or a copy when it has n values in another rank, or n copies of its single value;
 * null when neither.
 */
export function rank1Bias(
  backend: WasmBackend,
  bias: tf.TensorInfo,
  n: number,
): tf.TensorInfo | null {
  const size = sizeOf(bias.shape);
  if (size === n && bias.shape.length === 1) return bias;
  if (size !== n && size !== 1) return null;
  const out = backend.makeOutput([n], "float32");
  const src = f32(backend, bias);
  const dst = f32(backend, out);
  if (size === n) dst.set(src.subarray(0, n));
  else dst.fill(src[0] as number);
  return out;
}
