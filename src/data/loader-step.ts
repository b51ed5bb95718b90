/**
 * A loader step's host arrays and their conversion to tensors. The loader gathers each chosen
 * unit's batch (and its extra batches) as typed arrays ahead of time (`PreparedUnit`);
 * `stepTensors` turns them into the consumer's Step when it takes the step: each batch's input
 * one tensor shared by the unit's tasks (augmented with the batch's seed), each task its own
 * labels and mask.
 */
import { disposeBatches, inputTensor, labelBatch } from "./batch.js";
import type { Unit } from "./group.js";
import type { AnyDataset, Step } from "./types.js";
import type { UnitArrays } from "./unit-feed.js";

/** One batch of a unit, as host arrays, with the seed of its augmentation. */
export interface Drawn extends UnitArrays {
  seed: number;
}

/** One unit's batch as host arrays, gathered ahead of time (its extra batches too). */
export interface PreparedUnit extends Drawn {
  unit: Unit;
  extra: Drawn[];
}

/** Disposes every tensor of a Step (a group's shared input once, extra batches too). */
export function disposeStep(step: Step): void {
  disposeBatches(Object.values(step).flatMap((b) => (b ? [b, ...(b.extra ?? [])] : [])));
}

/** The Step of prepared units: tensors the caller owns (`disposeStep` frees them). */
export function stepTensors<T extends string>(
  units: readonly PreparedUnit[],
  datasets: Readonly<Record<T, AnyDataset>>,
  augment: boolean,
): Step<T> {
  const out: Step<T> = {};
  for (const u of units) {
    const first = datasets[u.unit.tasks[0] as T];
    const name = u.unit.tasks.length > 1 ? u.unit.name : undefined;
    // each batch's input once, shared by the unit's tasks
    const inputs = [u, ...u.extra].map((b) => inputTensor(first, b.x, b.size, b.seed, augment));
    for (const t of u.unit.tasks) {
      const d = datasets[t as T];
      const b = labelBatch(d, inputs[0], u.labels[t], u.size, name);
      out[t as T] =
        u.extra.length > 0
          ? {
              ...b,
              extra: u.extra.map((e, i) => labelBatch(d, inputs[i + 1], e.labels[t], e.size, name)),
            }
          : b;
    }
  }
  return out;
}
