/**
 * The streaming contract between `data/` and the loader: a `SampleSource` serves passes over one
 * input labelled for one or more tasks (a task group), a chunk of samples at a time, as flat typed
 * arrays (no tensors). In-memory datasets (MemorySource) and Parquet shards (ParquetSource) both
 * implement it, so the loader can consume sources only.
 *
 * Passes are aligned as in TaskStream: `next(n)` returns min(n, what is left of the current
 * pass); after a pass's last sample the next call starts the next pass (a fresh seeded order).
 * `getState()` between calls is JSON; `setState()` on a source over the same data and options
 * makes the following `next` calls return exactly what the saved source would have returned.
 */
import type { LabelKind, Transform } from "../types.js";

/** A chunk of consecutive samples of one pass, for every task of the source. */
export interface SampleChunk<T extends string = string> {
  /** Samples in the chunk, n. */
  readonly size: number;
  /** Inputs, n * prod(inputShape) values, sample-major. */
  readonly x: Float32Array | Int32Array;
  /** Per task: n class indices (Int32Array), or n * labelSize values (Float32Array). */
  readonly y: Readonly<Record<T, Int32Array | Float32Array>>;
  /**
   * Per task, only for tasks with at least one missing label in this chunk: n values, 1 where
   * the label is present (as BatchArrays.mask).
   */
  readonly mask: Readonly<Partial<Record<T, Float32Array>>>;
  /** The pass these samples belong to, 1-based. */
  readonly pass: number;
}

/** What a source reports about the samples it holds (for memory bounds and benchmarks). */
export interface SourceStats {
  /** Samples held now: the shuffle buffer plus decoded row groups not yet in it. */
  readonly held: number;
  /** The most samples held at any time since the source was made (or last restored). */
  readonly maxHeld: number;
  /** Row groups decoded so far (0 for in-memory sources). */
  readonly rowGroupsRead: number;
}

/** A source's position, as JSON. `kind` tells which source wrote it. */
export type SourceState = { readonly kind: string; readonly version: number } & Readonly<
  Record<string, unknown>
>;

export interface SampleSource<T extends string = string> {
  /** Tasks whose labels every chunk carries. */
  readonly tasks: readonly T[];
  /** Samples per pass. */
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly inputDtype: "float32" | "int32";
  /** The next min(n, left in the current pass) samples; n is an integer >= 1. */
  next(n: number): Promise<SampleChunk<T>>;
  getState(): SourceState;
  /** Restores a state from `getState()`; takes effect at the next `next` call. */
  setState(state: SourceState): void;
  stats(): SourceStats;
  /** Stops prefetching and drops buffers; the source must not be used afterwards. */
  close(): Promise<void>;
}

export interface SourceOptions {
  /** Seed of the pass orders and the shuffle draws. Defaults to 0. Ignored when `random` is given. */
  seed?: number;
  /** A generator to fork the source's own from (the loader passes a fork of its master). */
  random?: import("../../util/random.js").Random;
  /** Shuffle each pass. Defaults to true. */
  shuffle?: boolean;
  /**
   * Streamed sources: samples in the shuffle buffer. Defaults to 8192. The buffer holds
   * max(bufferSize, largest row group) samples at most, plus one prefetched row group.
   */
  bufferSize?: number;
  /** Streamed sources: decode the next row group while the current one is served. Defaults to true. */
  prefetch?: boolean;
}

/**
 * The shared input of a streamed task group: files plus feature and label columns. Every
 * StreamedDataset of a group points to the same table.
 */
export interface StreamTable {
  readonly name: string;
  /** Rows (samples) in all files together, from the Parquet metadata. */
  readonly size: number;
  /** The label keys the table knows (the `labels` record's keys, or the `label` column). */
  readonly labels: readonly string[];
  readonly files: readonly string[];
  /** A source over the given label keys (default: all), keyed by those keys. */
  source(opts?: SourceOptions & { labels?: readonly string[] }): SampleSource;
}

/**
 * A dataset read from disk as it trains: it has `size` and the sample/label description, but no
 * in-memory `x` or `y`. `task` is its label key in `table` (shared by a group's datasets).
 */
export interface StreamedDataset {
  readonly name: string;
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly inputDtype: "float32" | "int32";
  readonly labelKind: LabelKind;
  readonly labelSize: number;
  readonly numClasses?: number;
  readonly classNames?: readonly string[];
  readonly transforms?: readonly Transform[];
  readonly streamed: true;
  readonly task: string;
  readonly table: StreamTable;
}

/** Whether a dataset is streamed (no in-memory `x`/`y`). */
export function isStreamed(d: unknown): d is StreamedDataset {
  return (
    typeof d === "object" &&
    d !== null &&
    (d as StreamedDataset).streamed === true &&
    typeof (d as StreamedDataset).table?.source === "function"
  );
}
