/**
 * The slice of tfjs-backend-webgpu that polytask's kernels use: its backend's program runner
 * and a compute program's shape (the package does not export the interface), plus helpers to
 * run the package's own kernels from inside ours.
 */
import * as tf from "@tensorflow/tfjs";
import { BackendError } from "../../errors.js";
import type { GpuDevice } from "./dawn.js";

export type Shape = number[];

/** One uniform value the program declares in `uniforms` (after the shapes tfjs adds). */
export interface ProgramUniform {
  type: "int32" | "uint32" | "float32";
  data: number[];
}

/**
 * A compute program as tfjs-backend-webgpu 4.22 runs it: the package generates the bindings,
 * a `Uniforms` struct (shapes and strides of each input and of the output, then `uniforms`),
 * typed getters (`getX(b, r, c, d)`, `getXCoordsFromIndex`), `getCoordsFromIndex`,
 * `setOutputAtIndex(I32)` and an entry point that calls the user code's `fn main(index: i32)`.
 */
export interface WebGPUProgram {
  /** Cache key of the compiled pipeline: encode every choice baked into the WGSL. */
  shaderKey: string;
  outputShape: Shape;
  variableNames: string[];
  uniforms?: string;
  /** Adds `size: i32` (the output's element count) to the uniforms. */
  size?: boolean;
  workgroupSize: [number, number, number];
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  getUserCode(): string;
}

/** What our kernels need from the package's WebGPUBackend. */
export interface WebGPUBackendSlice {
  readonly device: GpuDevice;
  runWebGPUProgram(
    program: WebGPUProgram,
    inputs: tf.TensorInfo[],
    outputDtype: tf.DataType,
    uniforms?: ProgramUniform[],
    output?: tf.TensorInfo,
  ): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

export type Attrs = Record<string, unknown>;
export type Inputs = Record<string, tf.TensorInfo>;

export interface KernelArgs {
  inputs: Inputs;
  backend: WebGPUBackendSlice;
  attrs?: Attrs;
}

export type WebGPUKernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** The package's dispatch helper (webgpu_util.computeDispatch), set when the module loads. */
type ComputeDispatch = (
  layout: { x: number[]; y?: number[]; z?: number[] },
  outputShape: Shape,
  workgroupSize: [number, number, number],
) => [number, number, number];

let computeDispatch: ComputeDispatch | undefined;

export function setDispatchHelper(fn: ComputeDispatch): void {
  computeDispatch = fn;
}

/** A flat (one thread per output element) program's layout and dispatch. */
export function flatProgram(
  outputShape: Shape,
  workgroup = 64,
): Pick<WebGPUProgram, "outputShape" | "workgroupSize" | "dispatchLayout" | "dispatch" | "size"> {
  if (computeDispatch === undefined) {
    throw new BackendError("polytask's webgpu kernels ran before the webgpu backend loaded.", {
      field: "backend",
      value: "webgpu",
    });
  }
  const workgroupSize: [number, number, number] = [workgroup, 1, 1];
  const dispatchLayout = { x: outputShape.map((_, i) => i) };
  return {
    outputShape,
    workgroupSize,
    dispatchLayout,
    dispatch: computeDispatch(dispatchLayout, outputShape, workgroupSize),
    size: true,
  };
}

/** Kernels as the package shipped them, saved before we replace any of them. */
const originals = new Map<string, WebGPUKernelFunc>();

export function saveOriginal(name: string): void {
  if (originals.has(name)) return;
  const config = tf.getKernel(name, "webgpu");
  if (config !== undefined) originals.set(name, config.kernelFunc as unknown as WebGPUKernelFunc);
}

/** Runs the package's own kernel `name` (the saved original when we replaced it). */
export function runOriginal(
  backend: WebGPUBackendSlice,
  name: string,
  inputs: Inputs,
  attrs: Attrs = {},
): tf.TensorInfo {
  const fn =
    originals.get(name) ??
    (tf.getKernel(name, "webgpu")?.kernelFunc as unknown as WebGPUKernelFunc | undefined);
  if (fn === undefined) {
    throw new BackendError(`The webgpu kernel ${name} is not registered.`, {
      field: "kernel",
      value: name,
      expected: "a kernel of @tensorflow/tfjs-backend-webgpu 4.22",
    });
  }
  const out = fn({ inputs, backend, attrs });
  return Array.isArray(out) ? (out[0] as tf.TensorInfo) : out;
}

/** Frees intermediate tensor infos made inside a kernel. */
export function release(backend: WebGPUBackendSlice, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
