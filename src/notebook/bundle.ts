/**
 * Values to MIME bundles: a figure gives plotly JSON + HTML + a text summary, a DataFrame an
 * HTML table + text, a bundle-shaped object passes through, anything else gets a text form
 * (and JSON for plain data). Objects can define `[DISPLAY]()` to choose their own bundle.
 */
import { inspect } from "node:util";
import { type Figure, isFigure } from "../viz/figure.js";
import type { MimeBundle } from "./host.js";
import { figureHtml } from "./html.js";
import { frameHtml, frameText, isFrameLike } from "./table-html.js";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Objects with a method under this symbol display as the bundle (or value) it returns. */
export const DISPLAY = Symbol.for("polytask.display");

/** A one-line description of a figure: its title and trace names. */
export function figureText(fig: Figure): string {
  const title = fig.layout.title;
  const raw =
    typeof title === "string" ? title : String((title as { text?: string })?.text ?? "Figure");
  const text = raw
    .replace(/<br\s*\/?>/gi, " — ")
    .replace(/<[^>]+>/g, "")
    .trim();
  const names = [...new Set(fig.data.map((t) => t.name).filter((n): n is string => !!n))];
  const list =
    names.length > 8 ? `${names.slice(0, 8).join(", ")}, … (${names.length})` : names.join(", ");
  return `<Figure: ${text || "untitled"}; ${fig.data.length} trace${fig.data.length === 1 ? "" : "s"}${list ? `: ${list}` : ""}>`;
}

export function figureBundle(fig: Figure): MimeBundle {
  return {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, config: fig.config ?? {} },
    "text/html": figureHtml(fig),
    "text/plain": figureText(fig),
  };
}

/** True for objects whose keys all look like MIME types ("text/html", ...). */
export function isMimeBundle(v: unknown): v is MimeBundle {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => /^[a-z]+\/[a-z0-9.+-]+$/i.test(k));
}

function isPlainData(v: unknown): boolean {
  if (Array.isArray(v)) return true;
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function toBundle(value: unknown): MimeBundle {
  if (value !== null && typeof value === "object" && DISPLAY in value) {
    const own = (value as { [DISPLAY]: () => unknown })[DISPLAY]();
    return isMimeBundle(own) ? own : toBundle(own);
  }
  if (isFigure(value)) return figureBundle(value);
  if (isFrameLike(value)) return { "text/html": frameHtml(value), "text/plain": frameText(value) };
  if (isMimeBundle(value)) return value;
  if (typeof value === "string") return { "text/plain": value };
  if (value instanceof Error) return { "text/plain": value.stack ?? String(value) };
  const bundle: MimeBundle = { "text/plain": inspect(value, { depth: 4, colors: false }) };
  if (isPlainData(value)) {
    try {
      bundle["application/json"] = JSON.parse(JSON.stringify(value));
    } catch {
      // cyclic or not JSON: text only
    }
  }
  return bundle;
}
