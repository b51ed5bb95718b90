/**
 * Synchronous reads on webgpu in Node. tfjs-backend-webgpu reads a GPU buffer synchronously by
 * drawing it onto an OffscreenCanvas, which Node does not have, so `dataSync()`, `arraySync()`
 * and `bufferSync()` of a tensor computed on the GPU fail with "OffscreenCanvas is not
 * defined". This turns that into a BackendError that says what to do instead; reads of values
 * still on the CPU (fresh uploads, small results tfjs computed there) keep working.
 */
import { BackendError } from "../../errors.js";

interface Readable {
  readSync(dataId: object): unknown;
}

const PATCHED = Symbol.for("polytask.webgpu.readSync");

export function guardSyncReads(proto: Readable): void {
  const p = proto as Readable & { [PATCHED]?: true };
  if (p[PATCHED]) return;
  const original = p.readSync;
  p.readSync = function (this: Readable, dataId: object) {
    try {
      return original.call(this, dataId);
    } catch (e) {
      if (e instanceof ReferenceError && /OffscreenCanvas/.test(e.message)) {
        throw new BackendError(
          "The webgpu backend cannot read a tensor synchronously in Node (dataSync, arraySync, " +
            "bufferSync): tfjs does that through an OffscreenCanvas, which Node lacks. Read it " +
            "with `await tensor.data()` or `await tensor.array()` instead.",
          { field: "readSync", value: "webgpu", expected: "an asynchronous read", cause: e },
        );
      }
      throw e;
    }
  };
  p[PATCHED] = true;
}
