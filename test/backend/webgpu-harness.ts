/**
 * Shared helpers for the webgpu tests: points Dawn at SwiftShader (Debian chromium's software
 * Vulkan driver, which the test setup installs) unless the environment names a driver, starts
 * the backend or says why it cannot, and runs a function on cpu and webgpu reading results
 * asynchronously (webgpu cannot read synchronously in Node).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { type BackendInfo, useBackend } from "../../src/backend/select.js";
import { relativeError } from "./wasm-harness.js";

const CHROMIUM = "/usr/lib/chromium";

/**
 * Sets what Dawn needs to find SwiftShader, leaving alone whatever the caller set: the ICD
 * (`VK_ICD_FILENAMES`), a Vulkan loader when the system has none (chromium ships one), and
 * `XDG_RUNTIME_DIR`.
 */
export function useSwiftShaderUnlessSet(): void {
  const env = process.env;
  const icd = join(CHROMIUM, "vk_swiftshader_icd.json");
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && existsSync(icd)) {
    env.VK_ICD_FILENAMES = icd;
    const loader = join(CHROMIUM, "libvulkan.so.1");
    if (!env.POLYTASK_VULKAN_LOADER && !systemHasVulkan() && existsSync(loader)) {
      env.POLYTASK_VULKAN_LOADER = loader;
    }
  }
  if (!env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `polytask-xdg-${process.getuid?.() ?? "user"}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env.XDG_RUNTIME_DIR = dir;
  }
}

function systemHasVulkan(): boolean {
  return ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"].some(
    (d) => existsSync(join(d, "libvulkan.so.1")),
  );
}

/** Starts webgpu (any adapter) and returns its info, or the reason the tests must skip. */
export async function startWebgpu(): Promise<BackendInfo | string> {
  useSwiftShaderUnlessSet();
  try {
    const info = await useBackend("webgpu", { quiet: true });
    await useBackend("cpu", { quiet: true });
    return info;
  } catch (e) {
    return `no WebGPU adapter here: ${(e as Error).message}`;
  }
}

export interface Outputs {
  values: Float32Array[];
  shapes: number[][];
}

/**
 * Runs `fn` inside tf.tidy on cpu, then on webgpu; reads every output with `await data()` and
 * asserts that neither backend was left with more tensors than before.
 */
export async function onCpuAndWebgpu(
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<{ cpu: Outputs; webgpu: Outputs }> {
  const result: Record<string, Outputs> = {};
  for (const backend of ["cpu", "webgpu"] as const) {
    await useBackend(backend, { quiet: true });
    const before = tf.memory().numTensors;
    const outs = tf.tidy(() => {
      const out = fn();
      return Array.isArray(out) ? out : [out];
    });
    const values = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
    result[backend] = { values, shapes: outs.map((t) => t.shape) };
    tf.dispose(outs);
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
  }
  await useBackend("cpu", { quiet: true });
  return { cpu: result.cpu as Outputs, webgpu: result.webgpu as Outputs };
}

/**
 * Whether `t`'s values live only in a GPU buffer on the current webgpu backend: computed there
 * and never downloaded (tfjs-backend-webgpu keeps `values` on the CPU side only for data not yet
 * uploaded or already read back).
 */
export function residesOnGpu(t: tf.Tensor): boolean {
  const map = (tf.backend() as unknown as { tensorMap: { get(id: object): unknown } }).tensorMap;
  const data = map.get(t.dataId) as { resource?: unknown; values?: unknown } | undefined;
  return data !== undefined && data.resource != null && data.values == null;
}

/** Asserts equal shapes and relative error <= tol for every output. */
export function assertAgree(r: { cpu: Outputs; webgpu: Outputs }, label: string, tol = 1e-4): void {
  assert.equal(r.webgpu.values.length, r.cpu.values.length, `${label}: output count`);
  r.cpu.values.forEach((c, i) => {
    assert.deepEqual(r.webgpu.shapes[i], r.cpu.shapes[i], `${label}[${i}]: shape`);
    const err = relativeError(c, r.webgpu.values[i] as Float32Array);
    assert.ok(err <= tol, `${label}[${i}]: relative error ${err} > ${tol}`);
  });
}
