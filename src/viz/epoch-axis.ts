/**
 * Axes over epochs (or steps): integer ticks only (never "1.5 epochs"), a step that keeps
 * about eight labels, and for a single epoch a range around it (one tick, "1") instead of
 * plotly's default 0-2 axis around a lone dot.
 */

/** An integer tick step near span/8: 1, 2, 5, 10, 20, 50, ... */
export function integerStep(span: number): number {
  const raw = Math.max(1, span / 8);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return Math.max(1, (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p);
}

/** Axis settings for integer x values (1-based epochs, or steps). */
export function integerAxis(xs: readonly number[]): Record<string, unknown> {
  const finite = xs.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return { tickformat: "d" };
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const step = integerStep(hi - lo);
  const axis: Record<string, unknown> = {
    tickmode: "linear",
    tick0: 0,
    dtick: step,
    tickformat: "d",
  };
  if (lo === hi) axis.range = [lo - 0.5, hi + 0.5];
  return axis;
}

/** The 1-based epoch numbers of a history. */
export function epochNumbers(history: readonly { epoch: number }[]): number[] {
  return history.map((l) => l.epoch + 1);
}
