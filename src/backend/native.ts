/**
 * Loads a real tfjs-node(-gpu), the `tensorflow` backend. polytask never lists tfjs-node in its
 * package.json (danfojs-node's override aliases node_modules/@tensorflow/tfjs-node to plain
 * tfjs), so this looks first in the polytask-managed folder `.native/` that
 * `npx polytask native setup` builds, then for one the user installed, and rejects the alias.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { BackendError } from "../errors.js";
import { withoutDuplicateWarnings } from "./duplicate-warnings.js";

export interface NativeInfo {
  /** TensorFlow (libtensorflow) version the binding runs on, e.g. "2.21.0". */
  readonly tfVersion: string;
  /** TensorFlow devices, e.g. ["/job:localhost/replica:0/task:0/device:CPU:0"]. */
  readonly devices: string[];
  /** Whether the binding runs ops on a GPU. */
  readonly gpu: boolean;
  /** Folder of the tfjs-node(-gpu) package that was loaded. */
  readonly path: string;
  /** tfjs-node kernels polytask replaced with faster equivalents (see `patchKernels`). */
  readonly patchedKernels: readonly string[];
}

export type NativePackage = "@tensorflow/tfjs-node" | "@tensorflow/tfjs-node-gpu";

/** What `polytask native setup` writes next to the package it built. */
export interface NativeManifest {
  package: NativePackage;
  tfjsNodeVersion: string;
  tfVersion: string;
  wheel: string;
  python: string;
  devices: string[];
  napiVersion: number;
  /** This run's steps; `skipped` ones found their work already done. */
  steps: { name: string; seconds: number; skipped: boolean }[];
  /** Per step, its timing in the last run that did its work (carried over across reruns). */
  lastWork?: { name: string; seconds: number; skipped: boolean }[];
  builtAt: string;
}

export const MANIFEST_FILE = "polytask-native.json";
/** The quiet loader `polytask native setup` compiles into the native folder (cli/native/quiet.ts). */
export const QUIET_LOADER = "polytask-quiet-tf.so";
const SETUP_HINT = "Build it with `npx polytask native setup` (add `--gpu` for tfjs-node-gpu).";

/** The polytask package root (the folder holding polytask's package.json). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, "utf8")).name === "polytask") return dir;
      } catch {
        // not a readable package.json: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new BackendError("Cannot find polytask's package.json above " + dir);
    dir = up;
  }
}

/** The polytask-managed native folder: `$POLYTASK_NATIVE_DIR`, else `<package root>/.native`. */
export function nativeDir(): string {
  return process.env.POLYTASK_NATIVE_DIR || join(packageRoot(), ".native");
}

/** Where the managed copy of `pkg` lives. */
export function managedPackageDir(pkg: NativePackage, dir = nativeDir()): string {
  return join(dir, "node_modules", pkg);
}

interface NativeBinding {
  TF_Version: string;
  TF_ATTR_TYPE: number;
  TF_FLOAT: number;
  isUsingGpuDevice(): boolean;
}

interface NodeBackend {
  binding: NativeBinding;
  executeSingleOutput(op: string, attrs: unknown[], inputs: tf.TensorInfo[]): tf.Tensor;
}

/**
 * tfjs-node's `Step` runs seven TensorFlow ops (isNaN, greater, ones, fill, where, select...),
 * and ReLU's gradient calls it on every activation of every step. For alpha 0 and float32,
 * Sign(Relu(x)) gives the same values (1 where x > 0, 0 elsewhere, NaN stays NaN) in two.
 */
function patchKernels(): string[] {
  const original = tf.getKernel("Step", "tensorflow");
  if (!original) return [];
  tf.unregisterKernel("Step", "tensorflow");
  tf.registerKernel({
    kernelName: "Step",
    backendName: "tensorflow",
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const alpha = (args.attrs as { alpha?: number }).alpha ?? 0;
      if (alpha !== 0 || x.dtype !== "float32") return original.kernelFunc(args);
      const b = args.backend as unknown as NodeBackend;
      const attrs = [{ name: "T", type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }];
      return tf.tidy(() =>
        b.executeSingleOutput("Sign", attrs, [b.executeSingleOutput("Relu", attrs, [x])]),
      );
    },
  });
  return ["Step"];
}

/**
 * TensorFlow logs its oneDNN line from a static initializer of libtensorflow_framework, before
 * `TF_CPP_MIN_LOG_LEVEL` applies. While that level is >= 1 (polytask's default 2), the quiet
 * loader built by `polytask native setup` loads the library first with stderr silenced; Node
 * then rejects it as a module ("did not self-register"), which is expected. Without the loader
 * (a setup from before it) the line still prints once.
 */
function quietFrameworkLoad(pkgDir: string): void {
  const loader = join(nativeDir(), QUIET_LOADER);
  const lib = join(pkgDir, "deps", "lib", "libtensorflow_framework.so.2");
  if (!(Number(process.env.TF_CPP_MIN_LOG_LEVEL) >= 1) || !existsSync(loader) || !existsSync(lib))
    return;
  const previous = process.env.POLYTASK_TF_FRAMEWORK;
  process.env.POLYTASK_TF_FRAMEWORK = lib;
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, loader);
  } catch {
    // expected: a plain shared object registers no Node module
  } finally {
    if (previous === undefined) delete process.env.POLYTASK_TF_FRAMEWORK;
    else process.env.POLYTASK_TF_FRAMEWORK = previous;
  }
}

let loaded: NativeInfo | undefined;
let loading: Promise<NativeInfo> | undefined;

function packagesFor(gpu: boolean | undefined): NativePackage[] {
  if (gpu === true) return ["@tensorflow/tfjs-node-gpu"];
  if (gpu === false) return ["@tensorflow/tfjs-node"];
  return ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"];
}

/** Candidate package folders, managed first, then user-installed ones (deduplicated). */
function candidates(pkg: NativePackage): string[] {
  const found: string[] = [];
  const managed = managedPackageDir(pkg);
  if (existsSync(join(managed, "package.json"))) found.push(managed);
  const bases = [join(process.cwd(), "package.json"), join(packageRoot(), "package.json")];
  for (const base of bases) {
    try {
      const pj = createRequire(base).resolve(`${pkg}/package.json`);
      const dir = dirname(pj);
      if (!found.includes(dir)) found.push(dir);
    } catch {
      // not installed there
    }
  }
  return found;
}

function readManifest(dir: string): NativeManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, MANIFEST_FILE), "utf8")) as NativeManifest;
  } catch {
    return undefined;
  }
}

/** Loads the package at `dir`; returns its info, or the reason it cannot be used. */
async function tryLoad(pkg: NativePackage, dir: string): Promise<NativeInfo | string> {
  let name: unknown;
  try {
    name = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name;
  } catch (e) {
    return `${dir}: unreadable package.json (${(e as Error).message})`;
  }
  if (name !== pkg) {
    const alias = name === "@tensorflow/tfjs" ? " (the danfojs-node alias of plain tfjs)" : "";
    return `${dir} is ${JSON.stringify(name)}${alias}, not the real ${pkg}`;
  }
  const previous = tf.engine().backendName;
  process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
  // TensorFlow enables its oneDNN kernels by default only on CPUs with AVX-512/AMX; on AVX2
  // machines they made a LeNet training step ~2x faster (measured by the raw-tfjs benchmark
  // that bench/shared-input replaced; git history). Set TF_ENABLE_ONEDNN_OPTS=0 to opt out.
  process.env.TF_ENABLE_ONEDNN_OPTS ??= "1";
  quietFrameworkLoad(dir);
  try {
    withoutDuplicateWarnings(() => createRequire(join(dir, "package.json"))(dir));
  } catch (e) {
    return `${dir} failed to load: ${(e as Error).message.split("\n")[0]}`;
  }
  if (!tf.engine().registryFactory.tensorflow) {
    return (
      `${dir} loaded but registered its "tensorflow" backend with another copy of ` +
      "@tensorflow/tfjs; it must resolve the same @tensorflow/tfjs 4.22.0 as polytask"
    );
  }
  let binding: NativeBinding;
  try {
    binding = (tf.findBackend("tensorflow") as unknown as { binding: NativeBinding }).binding;
  } catch (e) {
    return `${dir}: the "tensorflow" backend failed to initialise: ${(e as Error).message}`;
  }
  if (previous && previous !== "tensorflow") await tf.setBackend(previous);
  const gpu = binding.isUsingGpuDevice();
  const manifest = readManifest(dir);
  const devices = manifest?.devices.length
    ? manifest.devices
    : [`/job:localhost/replica:0/task:0/device:${gpu ? "GPU" : "CPU"}:0`];
  const patchedKernels = patchKernels();
  return Object.freeze({ tfVersion: binding.TF_Version, devices, gpu, path: dir, patchedKernels });
}

/**
 * Loads a real tfjs-node (`gpu: false`), tfjs-node-gpu (`gpu: true`) or whichever is set up,
 * GPU build first (`gpu` omitted). Registers the `tensorflow` backend without making it the
 * active one (unless no backend was active). Throws a `BackendError` saying why none could be
 * used and how to get one. A process can hold one binding: later calls return the first result.
 */
export function loadNative(opts: { gpu?: boolean } = {}): Promise<NativeInfo> {
  // One attempt at a time; a failed attempt may be retried (e.g. after setup ran).
  loading ??= load(opts).catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

async function load(opts: { gpu?: boolean }): Promise<NativeInfo> {
  if (loaded) return loaded;
  if (tf.engine().registryFactory.tensorflow) {
    // Someone (the user, or a tfjs-node import) registered it before polytask was asked.
    const binding = (tf.findBackend("tensorflow") as unknown as { binding?: NativeBinding })
      .binding;
    if (binding?.TF_Version) {
      const gpu = binding.isUsingGpuDevice();
      const device = `/job:localhost/replica:0/task:0/device:${gpu ? "GPU" : "CPU"}:0`;
      const patchedKernels = patchKernels();
      loaded = Object.freeze({
        tfVersion: binding.TF_Version,
        devices: [device],
        gpu,
        path: "",
        patchedKernels,
      });
      return loaded;
    }
  }
  const reasons: string[] = [];
  for (const pkg of packagesFor(opts.gpu)) {
    const dirs = candidates(pkg);
    if (dirs.length === 0) reasons.push(`${pkg} is not set up (looked in ${nativeDir()})`);
    for (const dir of dirs) {
      const result = await tryLoad(pkg, dir);
      if (typeof result !== "string") {
        loaded = result;
        return result;
      }
      reasons.push(result);
      // A binding that was required but failed half-way cannot be retried in this process.
      if (tf.engine().registryFactory.tensorflow) break;
    }
  }
  throw new BackendError(
    `The tensorflow backend is not available: ${reasons.join("; ")}. ${SETUP_HINT}`,
    { field: "backend", value: "tensorflow", expected: "a real @tensorflow/tfjs-node(-gpu) 4.x" },
  );
}
