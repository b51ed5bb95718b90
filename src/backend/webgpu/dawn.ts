/**
 * WebGPU in Node through Dawn's bindings (the `webgpu` npm package): loads them, finds a Vulkan
 * loader on Linux, and asks for the best adapter. Only the small slice of the WebGPU API that
 * polytask touches is typed here (the package's own types would put every GPU* name in scope).
 */
import { existsSync } from "node:fs";
import { BackendError } from "../../errors.js";

/** What an adapter says about itself (WebGPU's GPUAdapterInfo). */
export interface GpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter?: boolean;
}

export interface GpuLimits {
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxStorageBuffersPerShaderStage: number;
}

export interface GpuDevice {
  readonly limits: GpuLimits;
  readonly features: ReadonlySet<string>;
  destroy(): void;
}

export interface GpuAdapter {
  readonly info: GpuAdapterInfo;
  readonly limits: GpuLimits;
  readonly features: ReadonlySet<string>;
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor: {
    requiredFeatures?: string[];
    requiredLimits?: Record<string, number>;
  }): Promise<GpuDevice>;
}

export interface Gpu {
  requestAdapter(options?: {
    powerPreference?: "high-performance" | "low-power";
  }): Promise<GpuAdapter | null>;
}

interface DawnModule {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}

/** Flags glibc's dlopen takes: RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE (Node lacks the last). */
const DLOPEN_KEEP = 0x2 | 0x100 | 0x1000;

/**
 * Loads a shared library into the process so that a later `dlopen` by soname finds it. Node's
 * `process.dlopen` rejects a library that is not a Node addon, but with RTLD_NODELETE the
 * library stays loaded: that rejection is the success case here.
 */
function preload(path: string): "loaded" | string {
  try {
    process.dlopen({ exports: {} }, path, DLOPEN_KEEP);
    return "loaded";
  } catch (e) {
    const msg = (e as Error).message;
    return /did not self-register/.test(msg) ? "loaded" : msg;
  }
}

let vulkanLoaded = false;

/**
 * On Linux Dawn reaches the GPU through the Vulkan loader `libvulkan.so.1`. Finds it before Dawn
 * does, so that a missing loader is a clear reason rather than a warning on stderr:
 * `POLYTASK_VULKAN_LOADER` (a path, e.g. Debian chromium's `/usr/lib/chromium/libvulkan.so.1`)
 * first, else the system's. Returns undefined when one is loaded, else why not.
 */
export function vulkanLoaderProblem(): string | undefined {
  if (process.platform !== "linux" || vulkanLoaded) return undefined;
  const explicit = process.env.POLYTASK_VULKAN_LOADER?.trim();
  let problem = "";
  if (explicit) {
    const r = existsSync(explicit) ? preload(explicit) : "no such file";
    if (r !== "loaded") problem = `POLYTASK_VULKAN_LOADER=${explicit}: ${r}`;
  } else if (preload("libvulkan.so.1") !== "loaded") {
    problem =
      "no Vulkan loader (libvulkan.so.1) on this system: install it (Debian/Ubuntu: " +
      "`apt-get install libvulkan1`) with your GPU's Vulkan driver, or point " +
      "POLYTASK_VULKAN_LOADER at one";
  }
  // Only success is remembered: after a fix (installing one, setting the variable) a retry works.
  vulkanLoaded = problem === "";
  return problem || undefined;
}

let dawn: Promise<DawnModule> | undefined;

/** Loads Dawn's Node bindings once and installs WebGPU's global constants (GPUBufferUsage...). */
export function loadDawn(): Promise<DawnModule> {
  dawn ??= (async () => {
    let mod: DawnModule;
    try {
      // A variable specifier: `webgpu` is an optional dependency, absent on some platforms.
      const name = "webgpu";
      mod = (await import(name)) as DawnModule;
    } catch (e) {
      dawn = undefined;
      throw new BackendError(
        `The webgpu backend needs Dawn's Node bindings, the \`webgpu\` package, which did not load ` +
          `(${(e as Error).message.split("\n")[0]}). Install it with \`npm install webgpu@0.6.2\`; ` +
          "it ships prebuilt binaries for linux-x64/arm64, macOS and Windows.",
        { field: "backend", value: "webgpu", cause: e },
      );
    }
    const g = globalThis as Record<string, unknown>;
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in g)) g[k] = v;
    return mod;
  })();
  return dawn;
}

let gpu: Gpu | undefined;

/**
 * The GPU entry point (`navigator.gpu`): a browser's own, else one Dawn instance kept for the
 * process. Also makes it visible as `navigator.gpu`, which tfjs-backend-webgpu checks for.
 */
export async function getGpu(): Promise<Gpu> {
  const nav = (globalThis as { navigator?: { gpu?: Gpu } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const problem = vulkanLoaderProblem();
  if (problem) {
    throw new BackendError(`The webgpu backend cannot reach a GPU: ${problem}.`, {
      field: "backend",
      value: "webgpu",
      expected: "a Vulkan loader and driver",
    });
  }
  const mod = await loadDawn();
  gpu ??= mod.create([]);
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, "navigator", {
      value: {},
      configurable: true,
      writable: true,
    });
  }
  Object.defineProperty(g.navigator as object, "gpu", { value: gpu, configurable: true });
  return gpu;
}
