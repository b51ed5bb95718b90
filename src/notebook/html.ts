/**
 * HTML for figures and tables that works without Jupyter's plotly renderer.
 *
 * plotly.js is loaded once per page: a loader output defines `window.__polytaskPlotly`, a
 * promise of Plotly (decompressed from the embedded gzip with the browser's
 * DecompressionStream, or taken from `window.Plotly` if the page already has it). Every figure
 * output waits for that promise, so later outputs reuse the first load, in a live notebook and
 * in an exported HTML file alike, offline. AMD's `define` (classic notebook, nbconvert's
 * require.js) is hidden while the bundle runs so it sets `window.Plotly`.
 */
import type { Figure } from "../viz/figure.js";
import { plotlyPacked, plotlySource, plotlyVersion } from "./plotly-source.js";

/** Escapes text for HTML content and attributes. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** JSON that can sit inside a `<script>` element (no `</script>`, no U+2028/9 surprises). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v))
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The once-per-page loader carrying plotly.js (gzip + base64). */
export function plotlyLoaderHtml(): string {
  const version = plotlyVersion();
  return `<div class="polytask-plotly-loader" data-plotly-version="${version}" style="display:none"></div>
<script type="text/javascript">
(function () {
  var w = window;
  if (w.__polytaskPlotly) return;
  if (w.Plotly && w.Plotly.newPlot) { w.__polytaskPlotly = Promise.resolve(w.Plotly); return; }
  var packed = "${plotlyPacked()}";
  w.__polytaskPlotly = (async function () {
    if (typeof DecompressionStream === "undefined") throw new Error("this browser lacks DecompressionStream");
    var bin = atob(packed);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
    var amd = w.define;
    w.define = undefined;
    try { (0, eval)(text); } finally { w.define = amd; }
    return w.Plotly;
  })();
})();
</script>`;
}

/** A plain `<script>` with plotly.js inlined (reports: synchronous, works in any browser). */
export function plotlyInlineHtml(): string {
  return `<script type="text/javascript">/* plotly.js ${plotlyVersion()} from plotly.js-dist */
(function () { var amd = window.define; window.define = undefined; try {
${plotlySource()}
} finally { window.define = amd; } })();
</script>`;
}

let counter = 0;

/** A fresh element id for a plot div. */
export function newPlotId(): string {
  counter += 1;
  return `polytask-plot-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A div and the script that draws `figure` into it once Plotly is available (immediately,
 * from the page's loader, or after polling up to 20 s; then a visible message instead).
 */
export function figureHtml(figure: Figure, id = newPlotId()): string {
  const h = typeof figure.layout.height === "number" ? figure.layout.height : 450;
  return `<div id="${id}" class="polytask-plot" style="width:100%;min-height:${h}px"></div>
<script type="text/javascript">
(function () {
  var fig = ${scriptJson(figure)};
  var id = ${JSON.stringify(id)};
  var w = window, t0 = Date.now();
  function el() { return document.getElementById(id); }
  function draw(P) { var d = el(); if (d && P) P.newPlot(d, fig.data, fig.layout, fig.config || {}); }
  function fail(e) {
    var d = el(), pre = document.createElement("pre");
    pre.className = "polytask-error";
    pre.style.color = "#a00";
    pre.textContent = "polytask: plotly.js is not loaded in this page (" + String(e && e.message || e) +
      "). Re-run the cell that displays the first figure, or open the notebook where it ran.";
    if (d) d.appendChild(pre);
  }
  (function wait() {
    if (w.Plotly && w.Plotly.newPlot) return draw(w.Plotly);
    if (w.__polytaskPlotly) return w.__polytaskPlotly.then(draw, fail);
    if (Date.now() - t0 > 20000) return fail("timed out");
    setTimeout(wait, 50);
  })();
})();
</script>`;
}
