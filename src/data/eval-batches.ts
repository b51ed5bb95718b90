/**
 * Evaluation batches of data of either kind, asynchronously: in-memory datasets give exactly
 * `evalBatches` / `evalUnitBatches` (batch.ts); a streamed dataset (or a streamed task group)
 * is read once, in file order, through a `shuffle: false` source that is closed when the
 * iteration ends (also when the consumer stops early). Transforms run in evaluation mode.
 * Each Batch's tensors are the consumer's to dispose.
 */
import { ConfigError, show } from "../errors.js";
import { evalBatches, evalUnitBatches, inputTensor, labelBatch } from "./batch.js";
import { openSource } from "./stream/open.js";
import { type StreamedDataset, isStreamed } from "./stream/types.js";
import type { AnyDataset, Batch, Dataset } from "./types.js";

/** One pass over a streamed unit's samples, `batchSize` at a time, in file order. */
async function* streamedBatches(
  unit: string | undefined,
  datasets: readonly (readonly [string, StreamedDataset])[],
  batchSize: number,
): AsyncGenerator<Record<string, Batch>> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigError(`Evaluation batch size ${show(batchSize)} must be an integer >= 1.`, {
      field: "batchSize",
      value: batchSize,
      expected: "an integer >= 1",
    });
  const [, first] = datasets[0];
  const source = openSource(Object.fromEntries(datasets), { shuffle: false });
  try {
    for (let done = 0; done < source.size; ) {
      const c = await source.next(batchSize);
      const x = inputTensor(first, c.x, c.size, 0, false);
      const out: Record<string, Batch> = {};
      for (const [t, d] of datasets) {
        const mask = c.mask[t];
        out[t] = labelBatch(d, x, mask ? { y: c.y[t], mask } : { y: c.y[t] }, c.size, unit);
      }
      done += c.size;
      yield out;
    }
  } finally {
    await source.close();
  }
}

/** `evalUnitBatches` for in-memory or streamed members of one sampling unit. */
export async function* evalUnitBatchesAsync(
  unit: string,
  datasets: readonly (readonly [string, AnyDataset])[],
  batchSize: number,
): AsyncGenerator<Record<string, Batch>> {
  if (!isStreamed(datasets[0][1]))
    yield* evalUnitBatches(unit, datasets as readonly (readonly [string, Dataset])[], batchSize);
  else
    yield* streamedBatches(
      unit,
      datasets as readonly (readonly [string, StreamedDataset])[],
      batchSize,
    );
}

/** `evalBatches` for one dataset of either kind. */
export async function* evalBatchesAsync(d: AnyDataset, batchSize: number): AsyncGenerator<Batch> {
  if (!isStreamed(d)) {
    yield* evalBatches(d, batchSize);
    return;
  }
  for await (const b of streamedBatches(undefined, [[d.task, d]], batchSize)) yield b[d.task];
}
