/**
 * Averages task x task analysis matrices (gradient cosine, affinity) over the samples of an
 * epoch and writes them as epoch-log keys `<kind>/<row>/<col>` (e.g. `cosine/digits/fashion`,
 * `affinity/digits/fashion`), the keys the viz views read. Non-finite cells are skipped.
 */
export class AnalysisAccumulator {
  private sums = new Map<string, { sum: number; n: number }>();

  constructor(readonly tasks: readonly string[]) {}

  /** Adds one sample of a [T, T] matrix (task order) of the given kind. */
  add(kind: string, matrix: readonly (readonly number[])[]): void {
    this.tasks.forEach((a, i) =>
      this.tasks.forEach((b, j) => {
        const v = matrix[i]?.[j];
        if (v === undefined || !Number.isFinite(v)) return;
        const key = `${kind}/${a}/${b}`;
        const s = this.sums.get(key) ?? { sum: 0, n: 0 };
        s.sum += v;
        s.n += 1;
        this.sums.set(key, s);
      }),
    );
  }

  /** The epoch means as log entries, then resets for the next epoch. */
  flush(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, { sum, n }] of this.sums) out[k] = sum / n;
    this.sums.clear();
    return out;
  }
}
