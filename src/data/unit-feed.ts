/**
 * Unit feeds: where the loader takes each sampling unit's samples from, as host arrays (the
 * loader makes the tensors). A MemoryFeed draws seeded pass permutations (TaskStream) and
 * gathers them from the in-memory datasets, synchronously: what the loader has always done,
 * with the same state. A SourceFeed reads a SampleSource (the streamed table's ParquetSource,
 * one per unit, so a group's labels come from one table), asynchronously; its state is the
 * source's exact position.
 */
import type { Random } from "../util/random.js";
import { gatherInputs, gatherLabels } from "./batch.js";
import type { Unit } from "./group.js";
import { openSource } from "./stream/open.js";
import type { SampleSource, SourceState, SourceStats, StreamedDataset } from "./stream/types.js";
import { TaskStream, type TaskStreamState } from "./task-stream.js";
import type { Dataset } from "./types.js";

/** One task's labels in a unit's batch (mask only when a label is missing). */
export interface UnitLabels {
  readonly y: Int32Array | Float32Array;
  readonly mask?: Float32Array;
}

/** One unit's batch of samples: one input for every member, each member's labels. */
export interface UnitArrays {
  readonly x: Float32Array | Int32Array;
  readonly labels: Readonly<Record<string, UnitLabels>>;
  readonly size: number;
}

export class MemoryFeed {
  readonly streamed = false;
  private readonly stream: TaskStream;

  constructor(
    readonly unit: Unit,
    private readonly datasets: Readonly<Record<string, Dataset>>,
    random: Random,
    shuffle: boolean,
  ) {
    this.stream = new TaskStream(unit.size, random, shuffle);
  }

  take(n: number): UnitArrays {
    const idx = this.stream.next(n);
    const labels: Record<string, UnitLabels> = {};
    for (const t of this.unit.tasks) labels[t] = gatherLabels(this.datasets[t], idx);
    return {
      x: gatherInputs(this.datasets[this.unit.tasks[0]], idx),
      labels,
      size: idx.length,
    };
  }

  getState(): TaskStreamState {
    return this.stream.getState();
  }

  setState(s: TaskStreamState): void {
    this.stream.setState(s);
  }
}

export class SourceFeed {
  readonly streamed = true;
  readonly source: SampleSource;

  constructor(
    readonly unit: Unit,
    datasets: Readonly<Record<string, StreamedDataset>>,
    random: Random,
    shuffle: boolean,
  ) {
    const members = Object.fromEntries(unit.tasks.map((t) => [t, datasets[t]]));
    this.source = openSource(members, { random, shuffle });
  }

  async read(n: number): Promise<UnitArrays> {
    const c = await this.source.next(n);
    const labels: Record<string, UnitLabels> = {};
    for (const t of this.unit.tasks) {
      const mask = c.mask[t];
      labels[t] = mask ? { y: c.y[t], mask } : { y: c.y[t] };
    }
    return { x: c.x, labels, size: c.size };
  }

  getState(): SourceState {
    return this.source.getState();
  }

  setState(s: SourceState): void {
    this.source.setState(s);
  }

  stats(): SourceStats {
    return this.source.stats();
  }

  close(): Promise<void> {
    return this.source.close();
  }
}

export type UnitFeed = MemoryFeed | SourceFeed;
