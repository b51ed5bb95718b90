/**
 * plotly.js from the installed `plotly.js-dist` package (never from a CDN): its path, its
 * version, its source (for reports) and a gzip+base64 form (for notebooks, ~3.2 MB instead of
 * ~10.8 MB). Read once per process and cached.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
let source: string | undefined;
let packed: string | undefined;

/** Absolute path of plotly.js-dist's bundle. */
export function plotlyPath(): string {
  return require.resolve("plotly.js-dist");
}

/** The installed plotly.js version, e.g. "2.35.3". */
export function plotlyVersion(): string {
  const pkg = JSON.parse(readFileSync(join(dirname(plotlyPath()), "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** The bundle's source, safe to put inside a `<script>` element. */
export function plotlySource(): string {
  source ??= readFileSync(plotlyPath(), "utf8").replace(/<\/script/gi, "<\\/script");
  return source;
}

/** The bundle gzip-compressed and base64-encoded. */
export function plotlyPacked(): string {
  packed ??= gzipSync(readFileSync(plotlyPath()), { level: 6 }).toString("base64");
  return packed;
}
