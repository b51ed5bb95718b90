/**
 * Lets tfjs-backend-wasm's threaded build start in Node. The package hands Emscripten its pthread
 * worker and main script as Blob URLs, which Node's Worker cannot load ("must be an absolute path");
 * this records the text of Blobs made while the backend initialises and turns their object URLs
 * into temporary files; the main script Blob posted to each worker is swapped for its file path.
 * Call before tf.setBackend("wasm"), together with forcing WASM_HAS_MULTITHREAD_SUPPORT, and call the
 * returned function once it has resolved: it restores the globals, removes the files and unrefs the
 * pthread workers (otherwise they keep Node running after the program ends).
 *
 * The package's C++ also caps its thread pool at emscripten_num_logical_cores() / 2 (it assumes
 * two hyper-threads per core), read once when the module starts; in Node that is os.cpus().length,
 * so a 2-vCPU machine gets 1 thread. Until restore, os.cpus() lists every CPU twice, which lifts
 * the cap to the logical core count (setThreadsCount still chooses the number).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

/** How the package starts the main script it hands to workers. */
const MAIN_SCRIPT = "var WasmBackendModuleThreadedSimd";
/**
 * The factory's source (Function#toString of the package's Node bundle) refers to the bundle's
 * module-level aliases, which a worker does not have: define them first.
 */
const BUNDLE_PRELUDE =
  'var require$$0 = require("fs"), require$$1 = require("path"), require$$3 = require("perf_hooks"),' +
  ' require$$4 = require("os"), commonjsGlobal = globalThis;\n';

export function enableWasmThreadsInNode(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "polytask-wasm-threads-"));
  const OriginalBlob = globalThis.Blob;
  const originalCreate = URL.createObjectURL;
  const texts = new WeakMap<Blob, string>();
  let count = 0;
  class RecordingBlob extends OriginalBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts?.every((p) => typeof p === "string")) {
        const text = parts.join("");
        texts.set(this, text.startsWith(MAIN_SCRIPT) ? BUNDLE_PRELUDE + text : text);
      }
    }
  }
  globalThis.Blob = RecordingBlob as typeof Blob;
  const files = new WeakMap<Blob, string>();
  const fileFor = (blob: Blob): string | undefined => {
    const text = texts.get(blob);
    if (text === undefined) return undefined;
    let file = files.get(blob);
    if (file === undefined) {
      file = join(dir, `blob-${count++}.js`);
      writeFileSync(file, text);
      files.set(blob, file);
    }
    return file;
  };
  URL.createObjectURL = (obj: Blob): string => fileFor(obj) ?? originalCreate(obj);
  const originalCpus = os.cpus;
  os.cpus = () => {
    const list = originalCpus();
    return [...list, ...list];
  };
  const workers = new Set<Worker>();
  const originalPost = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, msg: unknown, transfer?: never) {
    workers.add(this);
    const m = msg as { urlOrBlob?: unknown } | null;
    if (m !== null && typeof m === "object" && m.urlOrBlob instanceof OriginalBlob) {
      const file = fileFor(m.urlOrBlob);
      if (file !== undefined) return originalPost.call(this, { ...m, urlOrBlob: file }, transfer);
    }
    return originalPost.call(this, msg, transfer);
  };
  return () => {
    // Idle pthread workers must not keep the process alive once the program is done.
    for (const worker of workers) worker.unref();
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreate;
    Worker.prototype.postMessage = originalPost;
    os.cpus = originalCpus;
    rmSync(dir, { recursive: true, force: true });
  };
}
