/**
 * plotly.js from installed packages (never from a CDN), read once per process and cached:
 * - notebooks carry `plotly.js-cartesian-dist-min` (the same plotly.js version as
 *   `plotly.js-dist`, minified, with the trace types polytask's figures use: scatter, bar,
 *   heatmap, histogram, box, violin, contour, pie, image), gzip+base64: ~0.6 MB per notebook
 *   instead of 3.2 MB for the unminified full bundle;
 * - HTML reports inline the full `plotly.js-dist` (any trace type a user adds still draws).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
let source: string | undefined;
let packed: string | undefined;

/** Absolute path of plotly.js-dist's bundle (reports). */
export function plotlyPath(): string {
  return require.resolve("plotly.js-dist");
}

/** Absolute path of the partial, minified bundle notebooks carry. */
export function notebookPlotlyPath(): string {
  return require.resolve("plotly.js-cartesian-dist-min");
}

function versionOf(bundle: string): string {
  const pkg = JSON.parse(readFileSync(join(dirname(bundle), "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** The installed plotly.js version, e.g. "2.35.3" (plotly.js-dist's). */
export function plotlyVersion(): string {
  return versionOf(plotlyPath());
}

/** The version of the bundle notebooks carry (kept equal to plotly.js-dist's by package.json). */
export function notebookPlotlyVersion(): string {
  return versionOf(notebookPlotlyPath());
}

/** The full bundle's source, safe to put inside a `<script>` element. */
export function plotlySource(): string {
  source ??= readFileSync(plotlyPath(), "utf8").replace(/<\/script/gi, "<\\/script");
  return source;
}

/** The notebook bundle gzip-compressed and base64-encoded. */
export function plotlyPacked(): string {
  packed ??= gzipSync(readFileSync(notebookPlotlyPath()), { level: 9 }).toString("base64");
  return packed;
}
