/**
 * For numeric and training tests that run on `cpu` and `wasm`: `withTensorflow(["cpu", "wasm"])`
 * adds `tensorflow` when a real tfjs-node is set up (`npx polytask native setup`), and prints
 * once why it is left out otherwise, so no suite skips it silently.
 */
import { loadNative } from "../../src/backend/native.js";

let checked: Promise<string | undefined> | undefined;

/** Resolves to undefined when the tensorflow backend is loadable, else to the reason it is not. */
export function tensorflowSkipReason(): Promise<string | undefined> {
  checked ??= loadNative({}).then(
    () => undefined,
    (e: unknown) => {
      const reason = `tensorflow backend not set up: ${(e as Error).message}`;
      console.log(`# SKIP tensorflow: ${reason}`);
      return reason;
    },
  );
  return checked;
}

/** `backends` plus "tensorflow" when it can be loaded. */
export async function withTensorflow(backends: readonly string[]): Promise<string[]> {
  return (await tensorflowSkipReason()) === undefined ? [...backends, "tensorflow"] : [...backends];
}
