/**
 * Backend selection: `useBackend(name?)` picks and initialises a TensorFlow.js backend, GPUs
 * first (`tensorflow` on a GPU > `webgpu` on a hardware adapter > `tensorflow` on the CPU >
 * `wasm` > `cpu`), and `backendInfo()` describes the one in use. `POLYTASK_BACKEND` overrides
 * the automatic choice.
 */
import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { BackendError, UnknownNameError } from "../errors.js";
import { type AdapterDescription, adapterLine } from "./webgpu/adapter.js";

export type BackendName = "tensorflow" | "webgpu" | "wasm" | "cpu";
export const BACKEND_NAMES: readonly BackendName[] = ["tensorflow", "webgpu", "wasm", "cpu"];
export type { AdapterDescription } from "./webgpu/adapter.js";

export interface UseBackendOptions {
  /** wasm: number of threads (only where the wasm package runs threaded). Defaults to all cores. */
  threads?: number;
  /** tensorflow: prefer the GPU build when set up. Defaults to `true` when a GPU is usable. */
  gpu?: boolean;
  /** Print the one-line summary. Defaults to `false`. */
  quiet?: boolean;
}

export interface BackendInfo {
  readonly name: BackendName;
  readonly device: "gpu" | "cpu";
  readonly threads: number;
  /** Kernels polytask registered or replaced on this backend. */
  readonly patchedKernels: readonly string[];
  /** TensorFlow version for `tensorflow`, tfjs version otherwise. */
  readonly version: string;
  /** Devices reported by the backend (tensorflow), else `["cpu"]`. */
  readonly devices: readonly string[];
  /** True on a software GPU adapter (webgpu on SwiftShader, llvmpipe...); false otherwise. */
  readonly software: boolean;
  /** webgpu: the adapter (vendor, architecture, device, description). */
  readonly adapter?: AdapterDescription;
  /** Why better backends were passed over by the automatic choice. */
  readonly skipped: Readonly<Record<string, string>>;
  /** One line for people, e.g. "wasm 4.22.0 on cpu, 1 thread, 8 patched kernels". */
  readonly summary: string;
}

let current: BackendInfo | undefined;

function summarise(info: Omit<BackendInfo, "summary">): string {
  const threads =
    info.name === "webgpu" ? "" : `, ${info.threads} thread${info.threads === 1 ? "" : "s"}`;
  const patched = info.patchedKernels.length
    ? `, ${info.patchedKernels.length} patched kernels`
    : "";
  const devices =
    info.name === "tensorflow" || info.name === "webgpu" ? ` [${info.devices.join(", ")}]` : "";
  return `${info.name} ${info.version} on ${info.device}${devices}${threads}${patched}`;
}

function make(info: Omit<BackendInfo, "summary">): BackendInfo {
  return Object.freeze({ ...info, summary: summarise(info) });
}

async function initCpu(skipped: Record<string, string>): Promise<BackendInfo> {
  await tf.setBackend("cpu");
  await tf.ready();
  // tfjs's cpu backend prints a banner at its first tensor telling Node users to install
  // tfjs-node, whose installer no longer works (README, Backends); polytask's own backend line
  // and `polytask info` say which faster backend was skipped and how to set it up.
  const cpu = tf.backend() as { firstUse?: boolean };
  if (cpu.firstUse === true) cpu.firstUse = false;
  return make({
    name: "cpu",
    device: "cpu",
    threads: 1,
    patchedKernels: [],
    version: tf.version.tfjs,
    devices: ["cpu"],
    software: false,
    skipped,
  });
}

async function initWebgpu(
  skipped: Record<string, string>,
  allowSoftware: boolean,
): Promise<BackendInfo> {
  const { startWebGPU } = await import("./webgpu/init.js");
  const started = await startWebGPU({ allowSoftware });
  return make({
    name: "webgpu",
    device: "gpu",
    threads: 1,
    patchedKernels: started.patchedKernels,
    version: started.version,
    devices: [adapterLine(started.adapter)],
    software: started.adapter.software,
    adapter: started.adapter,
    skipped,
  });
}

async function initWasm(
  opts: UseBackendOptions,
  skipped: Record<string, string>,
): Promise<BackendInfo> {
  let wasm: typeof import("@tensorflow/tfjs-backend-wasm");
  try {
    wasm = await import("@tensorflow/tfjs-backend-wasm");
  } catch (e) {
    throw new BackendError(
      `The wasm backend is not installed (${(e as Error).message}). Install it with ` +
        "`npm install @tensorflow/tfjs-backend-wasm@4.22.0`.",
      { field: "backend", value: "wasm", cause: e },
    );
  }
  if (opts.threads !== undefined) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) {
      throw new BackendError(
        `useBackend: threads must be a positive integer, got ${opts.threads}.`,
        {
          field: "threads",
          value: opts.threads,
          expected: "a positive integer",
        },
      );
    }
    wasm.setThreadsCount(opts.threads);
  }
  const ok = await tf.setBackend("wasm");
  if (!ok) {
    throw new BackendError(
      "The wasm backend failed to initialise (tf.setBackend('wasm') returned false); see the " +
        "warning TensorFlow.js printed above.",
      { field: "backend", value: "wasm" },
    );
  }
  await tf.ready();
  const { registerWasmTrainingKernels } = await import("./wasm/index.js");
  const patchedKernels = registerWasmTrainingKernels();
  return make({
    name: "wasm",
    device: "cpu",
    threads: wasm.getThreadsCount(),
    patchedKernels,
    version: wasm.version_wasm,
    devices: ["cpu"],
    software: false,
    skipped,
  });
}

async function initTensorflow(
  opts: UseBackendOptions,
  skipped: Record<string, string>,
): Promise<BackendInfo> {
  const { loadNative } = await import("./native.js");
  const native = await loadNative({ gpu: opts.gpu });
  const ok = await tf.setBackend("tensorflow");
  if (!ok) {
    throw new BackendError(
      "The tensorflow backend was loaded but failed to initialise (tf.setBackend returned false).",
      { field: "backend", value: "tensorflow" },
    );
  }
  await tf.ready();
  return make({
    name: "tensorflow",
    device: native.gpu ? "gpu" : "cpu",
    threads: Number(process.env.TF_NUM_INTRAOP_THREADS) || availableParallelism(),
    patchedKernels: native.patchedKernels,
    version: native.tfVersion,
    devices: native.devices,
    software: false,
    skipped,
  });
}

function parseName(name: string, field: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  const err = new UnknownNameError("backend", name, BACKEND_NAMES);
  if (field !== "backend") {
    throw new BackendError(`${field}=${JSON.stringify(name)}: ${err.message}`, {
      field,
      value: name,
      expected: `one of ${BACKEND_NAMES.join(", ")}`,
    });
  }
  throw err;
}

/**
 * Selects and initialises a backend. With no name: `POLYTASK_BACKEND` if set, else the best
 * available: `tensorflow` on a GPU, `webgpu` on a hardware adapter, `tensorflow` on the CPU,
 * `wasm`, `cpu`. Named, `webgpu` takes any adapter, a software one included. Asking for one
 * that cannot be used throws a `BackendError` saying why and how to get it.
 */
export async function useBackend(
  name?: BackendName,
  opts: UseBackendOptions = {},
): Promise<BackendInfo> {
  const fromEnv = process.env.POLYTASK_BACKEND?.trim();
  const requested = name ?? (fromEnv ? parseName(fromEnv, "POLYTASK_BACKEND") : undefined);
  const skipped: Record<string, string> = {};
  let info: BackendInfo;
  if (requested !== undefined) {
    const chosen = parseName(requested, "backend");
    info =
      chosen === "tensorflow"
        ? await initTensorflow(opts, skipped)
        : chosen === "webgpu"
          ? await initWebgpu(skipped, true)
          : chosen === "wasm"
            ? await initWasm(opts, skipped)
            : await initCpu(skipped);
  } else {
    info = await autoSelect(opts, skipped);
  }
  current = info;
  if (!opts.quiet && process.env.POLYTASK_QUIET !== "1") {
    // The one-line summary notebooks and the CLI print at start.
    console.log(`polytask backend: ${info.summary}`);
  }
  return info;
}

async function autoSelect(
  opts: UseBackendOptions,
  skipped: Record<string, string>,
): Promise<BackendInfo> {
  let tensorflowOnCpu: BackendInfo | undefined;
  try {
    const info = await initTensorflow(opts, skipped);
    if (info.device === "gpu") return info;
    tensorflowOnCpu = info;
  } catch (e) {
    skipped.tensorflow = (e as Error).message;
  }
  try {
    return await initWebgpu(skipped, false);
  } catch (e) {
    skipped.webgpu = (e as Error).message;
  }
  if (tensorflowOnCpu !== undefined) {
    await tf.setBackend("tensorflow");
    return tensorflowOnCpu;
  }
  try {
    return await initWasm(opts, skipped);
  } catch (e) {
    skipped.wasm = (e as Error).message;
  }
  return initCpu(skipped);
}

/** Describes the backend in use. If `useBackend` was never called, describes tfjs's current one. */
export function backendInfo(): BackendInfo {
  const active = tf.getBackend();
  if (current && current.name === active) return current;
  const name = (BACKEND_NAMES as readonly string[]).includes(active)
    ? (active as BackendName)
    : "cpu";
  return make({
    name,
    device: name === "webgpu" ? "gpu" : "cpu",
    threads: 1,
    patchedKernels: [],
    version: tf.version.tfjs,
    devices: [name === "webgpu" ? "gpu" : "cpu"],
    software: false,
    skipped: {},
  });
}
