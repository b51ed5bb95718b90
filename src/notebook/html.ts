/**
 * HTML for figures and tables that works without Jupyter's plotly renderer.
 *
 * plotly.js is loaded once per page: a loader output defines `window.__polytaskPlotly`, a
 * promise of Plotly (decompressed from the embedded gzip with the browser's
 * DecompressionStream, or taken from `window.Plotly` if the page already has it). Every figure
 * output waits for that promise, so later outputs reuse the first load, in a live notebook and
 * in an exported HTML file alike, offline. AMD's `define` (classic notebook, nbconvert's
 * require.js) is hidden while the bundle runs so it sets `window.Plotly`.
 *
 * Each figure's HTML starts as a static picture (an SVG polytask draws from the figure data,
 * as an <img>, which JupyterLab's sanitizer keeps in untrusted notebooks) with a one-line
 * note; its script swaps in the interactive plot once plotly.js is there. So an untrusted
 * notebook, a page without the loader or a viewer that runs no scripts shows the picture,
 * never a blank.
 */
import type { Figure } from "../viz/figure.js";
import { figureSvg } from "../viz/svg/render.js";
import {
  notebookPlotlyVersion,
  plotlyPacked,
  plotlySource,
  plotlyVersion,
} from "./plotly-source.js";

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

/** The once-per-page loader carrying plotly.js (the notebook bundle, gzip + base64). */
export function plotlyLoaderHtml(): string {
  const version = notebookPlotlyVersion();
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

/** The note under a figure's static picture, before any script has run. */
export const STATIC_NOTE =
  "Static picture of the figure: it turns interactive where the notebook is trusted and plotly.js is loaded.";

/**
 * A figure as HTML: its static SVG picture and note, and a script that draws the interactive
 * plot in their place once Plotly is available (at once, from the page's loader, or after
 * polling up to 20 s; then the note says why the picture stays).
 */
export function figureHtml(figure: Figure, id = newPlotId(), svg = figureSvg(figure)): string {
  const h = typeof figure.layout.height === "number" ? figure.layout.height : 450;
  const w = typeof figure.layout.width === "number" ? figure.layout.width : 900;
  const src = `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
  const alt = escapeHtml(svg.match(/<title>([^<]*)<\/title>/)?.[1] ?? "figure");
  return `<div class="polytask-figure" style="width:100%">
<div id="${id}-static" class="polytask-static"><img src="${src}" alt="${alt}" style="display:block;width:100%;max-width:${w}px;height:auto"/>
<div id="${id}-note" class="polytask-note" style="color:#777;font-size:11px;margin:2px 0 4px">${escapeHtml(STATIC_NOTE)}</div></div>
<div id="${id}" class="polytask-plot" style="width:100%"></div>
</div>
<script type="text/javascript">
(function () {
  var fig = ${scriptJson(figure)};
  var id = ${JSON.stringify(id)}, h = ${h};
  var w = window, t0 = Date.now();
  function el(s) { return document.getElementById(id + s); }
  function note(text) { var n = el("-note"); if (n) { n.textContent = text; n.className = "polytask-note polytask-error"; } }
  function draw(P) {
    var d = el(""), pic = el("-static");
    if (!d || !P) return;
    if (pic) pic.style.display = "none";
    d.style.minHeight = h + "px";
    Promise.resolve(P.newPlot(d, fig.data, fig.layout, fig.config || {})).catch(function (e) {
      if (pic) pic.style.display = "";
      d.style.minHeight = "";
      note("Static picture: plotly.js could not draw this figure (" + String(e && e.message || e) + ").");
    });
  }
  function fail(e) {
    note("Static picture: plotly.js is not loaded in this page (" + String(e && e.message || e) +
      "). Run the notebook in a live polytask kernel to get the interactive figure.");
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
