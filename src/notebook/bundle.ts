/**
 * Values to MIME bundles: a figure gives plotly JSON (the plotly renderer, VS Code), HTML that
 * draws it with the notebook's plotly.js over a static picture (any Jupyter front end,
 * exported HTML, untrusted notebooks), the picture as `image/svg+xml` (viewers that run no
 * scripts, such as GitHub's) and a text summary; a DataFrame an HTML table + text; a
 * bundle-shaped object passes through; anything else gets a text form (and JSON for plain
 * data). Objects can define `[DISPLAY]()` to choose their own bundle.
 */
import { inspect } from "node:util";
import { type Figure, isFigure } from "../viz/figure.js";
import { figureSvg } from "../viz/svg/render.js";
import type { MimeBundle } from "./host.js";
import { figureHtml, newPlotId } from "./html.js";
import { PLOTLY_MIME } from "./loader.js";
import { frameHtml, frameText, isFrameLike } from "./table-html.js";

export { PLOTLY_MIME };

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

export interface FigureBundleArgs {
  /**
   * Include the `application/vnd.plotly.v1+json` part (default true). Live views leave it
   * out: the `jupyterlab-plotly` renderer would take it and ignore every later
   * update_display_data (plotly/plotly.py#3053), freezing the live figure.
   */
  readonly plotlyJson?: boolean;
}

export function figureBundle(fig: Figure, args: FigureBundleArgs = {}): MimeBundle {
  const svg = figureSvg(fig);
  const bundle: MimeBundle = {};
  if (args.plotlyJson !== false) {
    bundle[PLOTLY_MIME] = { data: fig.data, layout: fig.layout, config: fig.config ?? {} };
  }
  bundle["text/html"] = figureHtml(fig, newPlotId(), svg);
  bundle["image/svg+xml"] = svg;
  bundle["text/plain"] = figureText(fig);
  return bundle;
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
