/** `polytask info`: which backend polytask picks here, and why the better ones were skipped. */
import { useBackend } from "../backend/select.js";

export async function info(_args: string[]): Promise<number> {
  const b = await useBackend(undefined, { quiet: true });
  console.log(`backend: ${b.summary}`);
  if (b.patchedKernels.length) console.log(`patched kernels: ${b.patchedKernels.join(", ")}`);
  for (const [name, why] of Object.entries(b.skipped)) console.log(`skipped ${name}: ${why}`);
  return 0;
}
