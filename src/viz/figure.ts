/**
 * The figure value every builder returns: plotly's JSON figure (`{ data, layout, config }`),
 * plain data with no functions or tensors, so it can be sent as
 * `application/vnd.plotly.v1+json`, written into an HTML report or compared in a test.
 */

/** One plotly trace (`scatter`, `heatmap`, ...). Kept open: plotly has hundreds of fields. */
export type Trace = { readonly type?: string; readonly name?: string } & Record<string, unknown>;

/** Plotly layout (axes, title, annotations, ...). */
export type Layout = Record<string, unknown>;

export interface Figure {
  readonly data: Trace[];
  readonly layout: Layout;
  readonly config?: Record<string, unknown>;
}

/** True for values shaped like a plotly figure (an array `data` and an object `layout`). */
export function isFigure(value: unknown): value is Figure {
  if (value === null || typeof value !== "object") return false;
  const v = value as { data?: unknown; layout?: unknown };
  return Array.isArray(v.data) && v.layout !== null && typeof v.layout === "object";
}

/** Plotly's default qualitative colours, then D3's category20 extras for up to 20 tasks. */
const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
  "#aec7e8",
  "#ffbb78",
  "#98df8a",
  "#ff9896",
  "#c5b0d5",
  "#c49c94",
  "#f7b6d2",
  "#c7c7c7",
  "#dbdb8d",
  "#9edae5",
];

/** A stable colour for the i-th task or run. */
export function color(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

const DASHES = ["solid", "dash", "dot", "dashdot", "longdash"] as const;
const SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x"] as const;

/**
 * A line style for the i-th of several series that may coincide (runs, tasks with equal
 * weights): dash pattern and marker symbol both change, so lines lying on top of each other
 * stay distinguishable.
 */
export function seriesStyle(i: number): { dash: string; symbol: string } {
  const k = ((i % DASHES.length) + DASHES.length) % DASHES.length;
  return { dash: DASHES[k]!, symbol: SYMBOLS[k]! };
}

/** Config shared by all figures: responsive, no plotly logo, PNG export at 2x. */
export const DEFAULT_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({
  responsive: true,
  displaylogo: false,
  toImageButtonOptions: { format: "png", scale: 2 },
});

/**
 * Values that carry a method under this symbol show as the MIME bundle it returns when they
 * are a notebook cell's result (the polytask kernel calls it). Shared by name with the kernel.
 */
export const MIME_BUNDLE = Symbol.for("polytask.mimeBundle");

/** Turns a figure or table into a MIME bundle; installed by the notebook bridge. */
export type RichRenderer = (value: unknown) => Record<string, unknown>;
let renderer: RichRenderer | undefined;

/** Installs the renderer used by `[MIME_BUNDLE]()` (src/notebook does, on import). */
export function setRichRenderer(r: RichRenderer | undefined): void {
  renderer = r;
}

/** Adds a non-enumerable `[MIME_BUNDLE]()` to an object (invisible to JSON and equality). */
export function makeRich<T extends object>(value: T): T {
  if (!Object.prototype.hasOwnProperty.call(value, MIME_BUNDLE)) {
    Object.defineProperty(value, MIME_BUNDLE, {
      value: function richBundle(this: unknown) {
        if (renderer) return renderer(this);
        return { "application/vnd.plotly.v1+json": this };
      },
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  return value;
}

/** Builds a figure with the default config and a white template-free layout. */
export function makeFigure(data: Trace[], layout: Layout): Figure {
  return makeRich({
    data,
    layout: {
      template: undefined,
      font: { family: "Inter, Helvetica, Arial, sans-serif", size: 12 },
      paper_bgcolor: "white",
      plot_bgcolor: "white",
      margin: { l: 60, r: 30, t: 70, b: 50 },
      ...layout,
    },
    config: { ...DEFAULT_CONFIG },
  });
}

/** A figure that says there is nothing to plot, and why (instead of an empty chart). */
export function emptyFigure(title: string, reason: string): Figure {
  return makeFigure([], {
    title: { text: title },
    xaxis: { visible: false },
    yaxis: { visible: false },
    annotations: [
      {
        text: reason,
        xref: "paper",
        yref: "paper",
        x: 0.5,
        y: 0.5,
        showarrow: false,
        font: { size: 14, color: "#666" },
      },
    ],
    height: 240,
  });
}
