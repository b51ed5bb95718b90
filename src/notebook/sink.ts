/**
 * Where displays go: the installed DisplayHost (polytask kernel), else tslab's display channel
 * when running under tslab, else none (the terminal). tslab keeps its writer in a module
 * variable of `tslab/dist/jupyter.js`; the running kernel's copy is found in the require cache
 * (the copy polytask itself would import may be a different one).
 */
import { createRequire } from "node:module";
import { type DisplayHost, type MimeBundle, currentHost } from "./host.js";

type TslabWrite = (
  content: {
    data: MimeBundle;
    metadata: Record<string, unknown>;
    transient: { display_id?: string };
  },
  update: boolean,
) => void;

const require = createRequire(import.meta.url);

/** tslab's current display writer, if this process runs inside a tslab kernel. */
export function tslabWriter(): TslabWrite | undefined {
  if (!("__tslab__" in globalThis)) return undefined;
  for (const [key, mod] of Object.entries(require.cache)) {
    if (!/tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) continue;
    const write = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)
      ?.lastWriteDisplayData;
    if (typeof write === "function") return write as TslabWrite;
  }
  return undefined;
}

/** A DisplayHost over tslab's writer (tslab has no clear-output message: that is a no-op). */
export function tslabHost(write: TslabWrite): DisplayHost {
  return {
    display: (bundle, opts = {}) =>
      write(
        {
          data: bundle,
          metadata: opts.metadata ?? {},
          transient: opts.displayId === undefined ? {} : { display_id: opts.displayId },
        },
        opts.update === true,
      ),
    clearOutput: () => {},
  };
}

export type Sink = { kind: "host" | "tslab"; host: DisplayHost } | { kind: "terminal" };

/** The sink to use now. */
export function currentSink(): Sink {
  const host = currentHost();
  if (host) return { kind: "host", host };
  const write = tslabWriter();
  if (write) return { kind: "tslab", host: tslabHost(write) };
  return { kind: "terminal" };
}
