/**
 * Starts tfjs's `webgpu` backend on Dawn: picks the adapter, opens one device for the process
 * (tensors stay on it across steps and backend switches), registers the backend with it, and
 * patches what training needs (see ./index.ts and ./sync_read.ts).
 */
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { BackendError } from "../../errors.js";
import { type AdapterDescription, adapterLine, describeAdapter } from "./adapter.js";
import { type GpuAdapter, type GpuDevice, getGpu } from "./dawn.js";
import { registerWebGPUTrainingKernels } from "./index.js";
import { setDispatchHelper } from "./program.js";
import { guardSyncReads } from "./sync_read.js";

export interface WebGPUStart {
  readonly adapter: AdapterDescription;
  readonly patchedKernels: readonly string[];
  /** tfjs-backend-webgpu's version. */
  readonly version: string;
}

interface WebGPUPackage {
  WebGPUBackend: (new (
    device: GpuDevice,
    adapterInfo?: unknown,
  ) => tf.KernelBackend) & {
    prototype: { readSync(dataId: object): unknown };
  };
  webgpu_util: {
    computeDispatch(
      layout: { x: number[]; y?: number[]; z?: number[] },
      outputShape: number[],
      workgroupSize: [number, number, number],
    ): [number, number, number];
  };
}

let started: WebGPUStart | undefined;

function packageVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    return (req("@tensorflow/tfjs-backend-webgpu/package.json") as { version: string }).version;
  } catch {
    return tf.version.tfjs; // bundled: the package is released in lockstep with tfjs
  }
}

async function loadPackage(): Promise<WebGPUPackage> {
  try {
    return (await import("@tensorflow/tfjs-backend-webgpu")) as unknown as WebGPUPackage;
  } catch (e) {
    throw new BackendError(
      `The webgpu backend is not installed (${(e as Error).message.split("\n")[0]}). Install it ` +
        "with `npm install @tensorflow/tfjs-backend-webgpu@4.22.0`.",
      { field: "backend", value: "webgpu", cause: e },
    );
  }
}

async function requestAdapter(): Promise<GpuAdapter> {
  const gpu = await getGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null) {
    throw new BackendError(
      "The webgpu backend found no adapter: Dawn saw no usable Vulkan/Metal/D3D12 driver. On " +
        "Linux install your GPU's Vulkan driver, or for a software one (tests) point " +
        "VK_ICD_FILENAMES at an ICD such as /usr/lib/chromium/vk_swiftshader_icd.json.",
      { field: "backend", value: "webgpu", expected: "a WebGPU adapter" },
    );
  }
  return adapter;
}

/** The same device the package's own factory asks for: the adapter's limits for big buffers. */
function deviceDescriptor(adapter: GpuAdapter) {
  const l = adapter.limits;
  return {
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  };
}

/**
 * Makes `webgpu` tfjs's backend. `allowSoftware: false` (the automatic choice) rejects a
 * software adapter with a BackendError that says which one was found.
 */
export async function startWebGPU(opts: { allowSoftware: boolean }): Promise<WebGPUStart> {
  if (started === undefined) {
    const pkg = await loadPackage();
    const adapter = await requestAdapter();
    const description = describeAdapter(adapter);
    if (description.software && !opts.allowSoftware) throw softwareOnly(description);
    let device: GpuDevice;
    try {
      device = await adapter.requestDevice(deviceDescriptor(adapter));
    } catch (e) {
      throw new BackendError(
        `The webgpu backend could not open a device on ${adapterLine(description)}: ` +
          `${(e as Error).message}`,
        { field: "backend", value: "webgpu", cause: e },
      );
    }
    setDispatchHelper(pkg.webgpu_util.computeDispatch);
    guardSyncReads(pkg.WebGPUBackend.prototype);
    const patchedKernels = registerWebGPUTrainingKernels();
    if (tf.findBackendFactory("webgpu") != null) tf.removeBackend("webgpu");
    tf.registerBackend("webgpu", () => new pkg.WebGPUBackend(device, adapter.info), 1);
    started = Object.freeze({ adapter: description, patchedKernels, version: packageVersion() });
  } else if (started.adapter.software && !opts.allowSoftware) {
    throw softwareOnly(started.adapter);
  }
  const ok = await tf.setBackend("webgpu");
  if (!ok) {
    throw new BackendError(
      "The webgpu backend failed to initialise (tf.setBackend('webgpu') returned false); see " +
        "the warning TensorFlow.js printed above.",
      { field: "backend", value: "webgpu" },
    );
  }
  await tf.ready();
  return started;
}

function softwareOnly(a: AdapterDescription): BackendError {
  return new BackendError(
    `The only WebGPU adapter is a software one (${adapterLine(a)}), slower than the CPU ` +
      'backends; the automatic choice skips it, useBackend("webgpu") takes it when named.',
    { field: "backend", value: "webgpu", expected: "a hardware adapter" },
  );
}
