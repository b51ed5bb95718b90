/**
 * MemorySource: the SampleSource of in-memory datasets, a thin adapter over TaskStream (the
 * seeded pass permutations) and `gather`. Several tasks' datasets form one source when they
 * share one input (the same `x`, or an equal one); each chunk then carries every task's labels.
 */
import { ConfigError, show } from "../../errors.js";
import { Random } from "../../util/random.js";
import { gather, gatherLabels } from "../batch.js";
import { TaskStream, type TaskStreamState } from "../task-stream.js";
import type { Dataset } from "../types.js";
import type {
  SampleChunk,
  SampleSource,
  SourceOptions,
  SourceState,
  SourceStats,
} from "./types.js";

export interface MemorySourceState extends SourceState {
  readonly kind: "memory";
  readonly version: 1;
  readonly size: number;
  readonly stream: TaskStreamState;
}

function sameInput(a: Dataset, b: Dataset): boolean {
  if (a.x === b.x) return true;
  if (a.x.length !== b.x.length || a.inputDtype !== b.inputDtype) return false;
  for (let i = 0; i < a.x.length; i++) if (a.x[i] !== b.x[i]) return false;
  return true;
}

export class MemorySource<T extends string = string> implements SampleSource<T> {
  readonly tasks: readonly T[];
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly inputDtype: "float32" | "int32";
  private readonly datasets: Readonly<Record<T, Dataset>>;
  private readonly stream: TaskStream;
  private readonly shuffle: boolean;

  constructor(datasets: Readonly<Record<T, Dataset>>, opts: SourceOptions = {}) {
    const entries = Object.entries(datasets) as [T, Dataset][];
    if (entries.length === 0)
      throw new ConfigError("MemorySource: no datasets were given.", {
        field: "datasets",
        value: 0,
        expected: "at least one task's dataset",
      });
    const [t0, d0] = entries[0];
    for (const [t, d] of entries.slice(1))
      if (d.size !== d0.size || !sameInput(d0, d))
        throw new ConfigError(
          `MemorySource: tasks "${t0}" and "${t}" do not share one input (sizes ${d0.size} and ${d.size}); give each its own source.`,
          {
            task: t,
            field: "x",
            value: d.size,
            expected: `the same inputs as task "${t0}"`,
          },
        );
    this.tasks = entries.map((e) => e[0]);
    this.datasets = datasets;
    this.size = d0.size;
    this.inputShape = d0.inputShape;
    this.inputDtype = d0.inputDtype;
    this.shuffle = opts.shuffle ?? true;
    const random = opts.random ? opts.random.fork() : new Random(opts.seed ?? 0);
    this.stream = new TaskStream(this.size, random, this.shuffle);
  }

  async next(n: number): Promise<SampleChunk<T>> {
    if (!Number.isInteger(n) || n < 1)
      throw new ConfigError(`MemorySource.next: n ${show(n)} must be an integer >= 1.`, {
        field: "n",
        value: n,
        expected: "an integer >= 1",
      });
    const idx = this.stream.next(n);
    const pass = this.stream.getState().pass;
    const y = {} as Record<T, Int32Array | Float32Array>;
    const mask: Partial<Record<T, Float32Array>> = {};
    const first = gather(this.datasets[this.tasks[0]], idx);
    this.tasks.forEach((t, k) => {
      const a = k === 0 ? first : gatherLabels(this.datasets[t], idx);
      y[t] = a.y;
      if (a.mask) mask[t] = a.mask;
    });
    return { size: idx.length, x: first.x, y, mask, pass };
  }

  getState(): MemorySourceState {
    return { kind: "memory", version: 1, size: this.size, stream: this.stream.getState() };
  }

  setState(state: SourceState): void {
    const s = state as MemorySourceState;
    if (s?.kind !== "memory" || s.version !== 1 || s.size !== this.size)
      throw new ConfigError(
        `MemorySource.setState: the state ${show({ kind: s?.kind, size: s?.size })} is not one of an in-memory source of ${this.size} samples.`,
        { field: "state", value: s?.kind, expected: `a memory source state of size ${this.size}` },
      );
    this.stream.setState(s.stream);
  }

  stats(): SourceStats {
    return { held: this.size, maxHeld: this.size, rowGroupsRead: 0 };
  }

  async close(): Promise<void> {}
}
