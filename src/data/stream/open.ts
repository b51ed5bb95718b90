/**
 * `openSource(datasets, opts)`: the one SampleSource for a set of tasks that share one input,
 * whatever holds it: a MemorySource over in-memory datasets, or the streamed table's source
 * (ParquetSource) over streamed ones. Chunks are keyed by the given task names, even when a
 * streamed group's label keys differ (`fit({ digits: group.left })`).
 */
import { ConfigError } from "../../errors.js";
import type { Dataset } from "../types.js";
import { MemorySource } from "./memory-source.js";
import {
  type SampleChunk,
  type SampleSource,
  type SourceOptions,
  type SourceState,
  type StreamedDataset,
  isStreamed,
} from "./types.js";

/** A streamed table's source, with its label keys renamed to the caller's task names. */
class RenamedSource<T extends string> implements SampleSource<T> {
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly inputDtype: "float32" | "int32";

  constructor(
    private readonly inner: SampleSource,
    readonly tasks: readonly T[],
    private readonly keyOf: Readonly<Record<T, string>>,
  ) {
    this.size = inner.size;
    this.inputShape = inner.inputShape;
    this.inputDtype = inner.inputDtype;
  }

  async next(n: number): Promise<SampleChunk<T>> {
    const c = await this.inner.next(n);
    const y = {} as Record<T, Int32Array | Float32Array>;
    const mask: Partial<Record<T, Float32Array>> = {};
    for (const t of this.tasks) {
      const k = this.keyOf[t];
      y[t] = c.y[k];
      if (c.mask[k]) mask[t] = c.mask[k];
    }
    return { size: c.size, x: c.x, y, mask, pass: c.pass };
  }

  getState(): SourceState {
    return this.inner.getState();
  }

  setState(state: SourceState): void {
    this.inner.setState(state);
  }

  stats() {
    return this.inner.stats();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** One source for `datasets` (task -> dataset), which must share one input. */
export function openSource<T extends string>(
  datasets: Readonly<Record<T, Dataset | StreamedDataset>>,
  opts: SourceOptions = {},
): SampleSource<T> {
  const entries = Object.entries(datasets) as [T, Dataset | StreamedDataset][];
  const streamed = entries.filter(([, d]) => isStreamed(d));
  if (streamed.length === 0) return new MemorySource(datasets as Record<T, Dataset>, opts);
  const [t0, d0] = streamed[0] as [T, StreamedDataset];
  for (const [t, d] of entries)
    if (!isStreamed(d) || d.table !== d0.table)
      throw new ConfigError(
        `Tasks "${t0}" and "${t}" do not share one streamed input (${isStreamed(d) ? "different files" : "one is in memory"}); give each its own source.`,
        {
          task: t,
          field: "dataset",
          value: d.name,
          expected: `a dataset of the same table as "${t0}"`,
        },
      );
  const keyOf = Object.fromEntries(
    entries.map(([t, d]) => [t, (d as StreamedDataset).task]),
  ) as Record<T, string>;
  const keys = [...new Set(Object.values<string>(keyOf))];
  const inner = d0.table.source({ ...opts, labels: keys });
  return new RenamedSource(
    inner,
    entries.map((e) => e[0]),
    keyOf,
  );
}
