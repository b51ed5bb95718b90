/**
 * The execute_result bundle of a cell's last expression. A value can provide its own
 * bundle through the `Symbol.for("polytask.mimeBundle")` method (returning a MIME bundle
 * or `{ data, metadata }`), or stand for another value through `Symbol.for("polytask.display")`
 * (src/notebook/bundle.ts); otherwise it is shown as `util.inspect` text.
 */
import { inspect } from "node:util";
import type { MimeBundle } from "./protocol.js";

export const MIME_BUNDLE = Symbol.for("polytask.mimeBundle");
export const DISPLAY = Symbol.for("polytask.display");

export interface ResultBundle {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export function resultBundle(value: unknown, depth = 0): ResultBundle {
  const stand = (value as { [DISPLAY]?: () => unknown } | null)?.[DISPLAY];
  if (typeof stand === "function" && depth < 3) {
    const shown = stand.call(value);
    if (isBundle(shown))
      return { data: { "text/plain": inspect(value, { depth: 1 }), ...shown }, metadata: {} };
    return resultBundle(shown, depth + 1);
  }
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

function isBundle(v: unknown): v is MimeBundle {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => /^[a-z]+\/[a-z0-9.+-]+$/i.test(k));
}
