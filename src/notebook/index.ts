/** The display bridge: MIME bundles to the kernel, live training views, offline HTML reports. */
export { currentHost, setHost, interruptTarget } from "./host.js";
export type { CellInfo, DisplayHost, DisplayOptions, MimeBundle } from "./host.js";
export { display, clearOutput, displayBundle, resetPlotlyLoader } from "./display.js";
export { cellStarted, loaderBundle, loadersSent, needsPlotly } from "./loader.js";
export type { DisplayArgs, DisplayHandle } from "./display.js";
export { toBundle, figureBundle, figureText, PLOTLY_MIME, DISPLAY } from "./bundle.js";
export type { FigureBundleArgs } from "./bundle.js";
export { liveView, LiveView } from "./live.js";
export type { LiveViewArgs } from "./live.js";
export { TerminalProgress } from "./progress.js";
export type { ProgressStream, ProgressArgs } from "./progress.js";
export { report, reportHtml } from "./report.js";
export type { ReportRun, ReportArgs } from "./report.js";
export { figureHtml, plotlyLoaderHtml, plotlyInlineHtml, STATIC_NOTE } from "./html.js";
export { frameHtml, frameText } from "./table-html.js";
