/** `polytask info`: which backend polytask picks here, and why the better ones were skipped. */
import { type BackendInfo, useBackend } from "../backend/select.js";
import { adapterLine } from "../backend/webgpu/adapter.js";

/** The automatic order, best first, as `useBackend()` tries it. */
export const AUTO_ORDER =
  "tensorflow on a GPU > webgpu on a hardware adapter > tensorflow on the CPU > wasm > cpu";

/** The lines `polytask info` prints for a selected backend. */
export function describeChoice(b: BackendInfo, fromEnv: string | undefined): string[] {
  const lines = [`backend: ${b.summary}`];
  if (b.adapter) lines.push(`adapter: ${adapterLine(b.adapter)}`);
  if (b.patchedKernels.length) lines.push(`patched kernels: ${b.patchedKernels.join(", ")}`);
  lines.push(
    fromEnv
      ? `chosen by POLYTASK_BACKEND=${fromEnv}`
      : `chosen automatically, in the order ${AUTO_ORDER}`,
  );
  for (const [name, why] of Object.entries(b.skipped)) lines.push(`skipped ${name}: ${why}`);
  return lines;
}

export async function info(_args: string[]): Promise<number> {
  const b = await useBackend(undefined, { quiet: true });
  for (const line of describeChoice(b, process.env.POLYTASK_BACKEND?.trim() || undefined)) {
    console.log(line);
  }
  return 0;
}
