/**
 * The execute_result bundle of a cell's last expression. A value can provide its own
 * bundle through the `Symbol.for("polytask.mimeBundle")` method (returning a MIME bundle
 * or `{ data, metadata }`); otherwise it is shown as `util.inspect` text.
 */
import { inspect } from "node:util";
import type { MimeBundle } from "./protocol.js";

export const MIME_BUNDLE = Symbol.for("polytask.mimeBundle");

export interface ResultBundle {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export function resultBundle(value: unknown): ResultBundle {
  const text = inspect(value, { depth: 3, maxArrayLength: 50, breakLength: 100 });
  const own = (value as { [MIME_BUNDLE]?: () => unknown } | null)?.[MIME_BUNDLE];
  if (typeof own === "function") {
    const b = own.call(value) as
      | { data?: MimeBundle; metadata?: Record<string, unknown> }
      | MimeBundle;
    if (b && typeof b === "object") {
      const data = ("data" in b && typeof b.data === "object" ? b.data : b) as MimeBundle;
      const metadata = ("data" in b && (b.metadata as Record<string, unknown>)) || {};
      return { data: { "text/plain": text, ...data }, metadata };
    }
  }
  return { data: { "text/plain": text }, metadata: {} };
}
