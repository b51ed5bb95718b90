/**
 * Routes what running code produces to the handler: process stdout/stderr as stream
 * messages, the polytask DisplayHost (src/notebook/host.ts), and tslab's `display` API.
 */
import { createRequire } from "node:module";
import { type DisplayHost, setHost } from "../src/notebook/host.js";
import type { KernelHandler } from "./handler.js";

interface TslabDisplayContent {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
}

type Write = typeof process.stdout.write;

/**
 * Returns a writer to the kernel's real stderr (for the kernel's own log lines) and the
 * display host it installed.
 */
export function connectIo(handler: KernelHandler): {
  log: (line: string) => void;
  host: DisplayHost;
} {
  const realErr = process.stderr.write.bind(process.stderr) as (s: string) => boolean;
  process.stdout.write = streamWriter(handler, "stdout");
  process.stderr.write = streamWriter(handler, "stderr");

  const host: DisplayHost = {
    display: (bundle, opts = {}) =>
      handler.display(bundle, {
        metadata: opts.metadata,
        displayId: opts.displayId,
        update: opts.update,
      }),
    clearOutput: (wait) => handler.clearOutput(wait ?? false),
    cell: () => handler.currentCell(),
  };
  setHost(host);

  const tslabRequire = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
  const jupyter = tslabRequire("./dist/jupyter.js") as {
    lastWriteDisplayData: ((c: TslabDisplayContent, update: boolean) => void) | null;
  };
  jupyter.lastWriteDisplayData = (c, update) =>
    handler.display(c.data, { metadata: c.metadata, displayId: c.transient?.display_id, update });

  return { log: (line) => realErr(`${line}\n`), host };
}

function streamWriter(handler: KernelHandler, name: "stdout" | "stderr"): Write {
  const decoder = new TextDecoder();
  return ((chunk: string | Uint8Array, encoding?: unknown, cb?: unknown) => {
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk);
    handler.stream(name, text);
    const done = typeof encoding === "function" ? encoding : cb;
    if (typeof done === "function") process.nextTick(done as () => void);
    return true;
  }) as Write;
}
