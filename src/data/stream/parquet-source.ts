/**
 * ParquetSource: passes over a ParquetTable's rows with bounded memory.
 *
 * Each pass visits every row group ("unit") once, in a seeded order (a permutation drawn from
 * the source's order seed and the pass number; file order when not shuffling). Shuffling, rows
 * are copied into a ShuffleBuffer of `capacity` samples and served from random slots; a unit
 * enters the buffer once there is room for all of it, so the buffer holds at most capacity =
 * max(bufferSize, largest row group) samples. Not shuffling, units are served in file order, one
 * at a time. While one unit is served the next is read and decoded (prefetch), so the source
 * holds at most the buffer plus one row group.
 *
 * Exact resume: the state records the pass, the samples served, the next unit of the pass, the
 * shuffle generator and the global row ids in the buffer, slot by slot. `setState` rereads the
 * row groups those ids live in (once) and refills each slot, so the next samples are the ones the
 * saved source would have served. The draws depend only on the samples served, never on how
 * `next` calls split them or on prefetch timing.
 */
import { ConfigError, show } from "../../errors.js";
import { Random, type RandomState } from "../../util/random.js";
import type { RowBlock } from "./parquet-decode.js";
import type { ParquetTable } from "./parquet-table.js";
import { type BufferLabel, ChunkBuilder, ShuffleBuffer } from "./shuffle-buffer.js";
import type {
  SampleChunk,
  SampleSource,
  SourceOptions,
  SourceState,
  SourceStats,
} from "./types.js";

export interface ParquetSourceState extends SourceState {
  readonly kind: "parquet";
  readonly version: 1;
  readonly fingerprint: string;
  readonly labels: readonly string[];
  readonly shuffle: boolean;
  readonly capacity: number;
  readonly orderSeed: number;
  readonly pass: number;
  readonly cursor: number;
  readonly nextUnit: number;
  readonly random: RandomState;
  readonly ids: readonly number[];
}

interface Pending {
  readonly unit: number;
  readonly rows: number;
  readonly block: Promise<RowBlock>;
}

export const DEFAULT_BUFFER_SIZE = 8192;

/** Gives `state` an enumerable `ids` that is built from `ids` when first read, then kept. */
function withLazyIds(state: ParquetSourceState, ids: Float64Array): ParquetSourceState {
  Object.defineProperty(state, "ids", {
    enumerable: true,
    configurable: true,
    get(): number[] {
      const list = new Array<number>(ids.length);
      for (let i = 0; i < ids.length; i++) list[i] = ids[i];
      Object.defineProperty(state, "ids", { value: list, enumerable: true, writable: false });
      return list;
    },
  });
  return state;
}

export class ParquetSource implements SampleSource {
  readonly tasks: readonly string[];
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly inputDtype: "float32" | "int32";
  private readonly shuffle: boolean;
  private readonly prefetch: boolean;
  private readonly capacity: number;
  private readonly random: Random;
  private orderSeed: number;
  private readonly buffer: ShuffleBuffer;
  private readonly labelInfo: BufferLabel[];
  private pass = 0;
  private cursor: number;
  private nextUnit = 0;
  private order: Int32Array = new Int32Array(0);
  private pending?: Pending;
  private restoring?: ParquetSourceState;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private maxHeld = 0;
  private rowGroupsRead = 0;

  constructor(
    private readonly table: ParquetTable,
    labels: readonly string[],
    opts: SourceOptions = {},
  ) {
    for (const l of labels)
      if (!table.labels.includes(l))
        throw new ConfigError(
          `Dataset "${table.name}": no label "${l}"; its labels are ${table.labels.join(", ")}.`,
          { task: l, field: "labels", value: l, expected: `one of ${table.labels.join(", ")}` },
        );
    const bs = opts.bufferSize ?? DEFAULT_BUFFER_SIZE;
    if (!Number.isInteger(bs) || bs < 1)
      throw new ConfigError(
        `Dataset "${table.name}": bufferSize ${show(bs)} must be an integer >= 1.`,
        {
          task: table.name,
          field: "bufferSize",
          value: bs,
          expected: "an integer >= 1 (samples)",
        },
      );
    this.tasks = [...labels];
    this.size = table.size;
    const f = table.spec.features;
    this.inputDtype = f.dtype;
    this.inputShape = [...f.shape];
    this.shuffle = opts.shuffle ?? true;
    this.prefetch = opts.prefetch ?? true;
    this.capacity = Math.max(bs, table.maxUnitRows);
    this.random = opts.random ? opts.random.fork() : new Random(opts.seed ?? 0);
    this.orderSeed = this.random.nextUint32();
    this.labelInfo = table.spec.labels
      .filter((l) => labels.includes(l.key))
      .map((l) => ({ key: l.key, int: l.labelKind === "class", labelSize: l.labelSize }));
    this.buffer = new ShuffleBuffer(this.capacity, f.per, f.dtype === "int32", this.labelInfo);
    this.cursor = this.size; // no pass started yet: the first call starts one
    table.acquire(); // starts the table's decode worker with its first source
  }

  /** The unit order of pass `pass` (1-based). */
  private orderOf(pass: number): Int32Array {
    const n = this.table.units.length;
    const o = Int32Array.from({ length: n }, (_, i) => i);
    if (this.shuffle) new Random((this.orderSeed ^ Math.imul(pass, 0x9e3779b1)) >>> 0).shuffle(o);
    return o;
  }

  private startPass(): void {
    this.pass++;
    this.cursor = 0;
    this.nextUnit = 0;
    this.order = this.orderOf(this.pass);
    this.buffer.clear();
    this.startPrefetch();
  }

  /** The unit the buffer will take next (possibly the next pass's first), if any. */
  private upcoming(): number | undefined {
    if (this.pass === 0) return undefined;
    if (this.nextUnit < this.order.length) return this.order[this.nextUnit];
    return this.orderOf(this.pass + 1)[0];
  }

  private startPrefetch(): void {
    if (!this.prefetch || this.pending || this.closed) return;
    const u = this.upcoming();
    if (u === undefined) return;
    const block = this.table.readUnit(u);
    block.catch(() => {}); // surfaced when taken; a dropped prefetch must not be unhandled
    this.pending = { unit: u, rows: this.table.units[u].rows, block };
    this.noteHeld();
  }

  private async read(u: number): Promise<RowBlock> {
    const p = this.pending;
    this.pending = undefined;
    const block = p && p.unit === u ? await p.block : await this.table.readUnit(u);
    this.rowGroupsRead++;
    return block;
  }

  private noteHeld(): void {
    const held = this.buffer.count + (this.pending?.rows ?? 0);
    if (held > this.maxHeld) this.maxHeld = held;
  }

  private needsFill(): boolean {
    if (this.nextUnit >= this.order.length) return false;
    const count = this.buffer.count;
    if (count === 0) return true;
    return (
      this.shuffle && count + this.table.units[this.order[this.nextUnit]].rows <= this.capacity
    );
  }

  private async fill(): Promise<void> {
    while (this.needsFill()) {
      const u = this.order[this.nextUnit];
      const block = await this.read(u);
      this.buffer.append(block, this.table.units[u].offset);
      this.nextUnit++;
      this.noteHeld();
      this.startPrefetch();
    }
  }

  /** Calls run one after another: a call made while another is pending waits for it. */
  next(n: number): Promise<SampleChunk> {
    const run = this.queue.then(() => this.serve(n));
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async serve(n: number): Promise<SampleChunk> {
    if (this.closed) throw new ConfigError(`Dataset "${this.table.name}": the source is closed.`);
    if (!Number.isInteger(n) || n < 1)
      throw new ConfigError(`ParquetSource.next: n ${show(n)} must be an integer >= 1.`, {
        field: "n",
        value: n,
        expected: "an integer >= 1",
      });
    if (this.restoring) await this.restore(this.restoring);
    if (this.cursor >= this.size) this.startPass();
    const m = Math.min(n, this.size - this.cursor);
    const f = this.table.spec.features;
    const out = new ChunkBuilder(m, f.per, f.dtype === "int32", this.labelInfo);
    for (let k = 0; k < m; k++) {
      if (this.needsFill()) await this.fill();
      if (this.buffer.count === 0)
        throw new Error(
          `internal: ${this.table.name} ran out of rows at ${this.cursor + k} of ${this.size}`,
        );
      if (this.shuffle) this.buffer.takeAt(this.random.int(this.buffer.count), out, k);
      else this.buffer.takeFirst(out, k);
    }
    this.cursor += m;
    return { size: m, x: out.x, y: out.y, mask: out.masks(), pass: this.pass };
  }

  /**
   * The state, as JSON data. The loader takes one at every step and reads few of them, so the
   * buffered row ids are kept as a typed copy (one memcpy, off the JS heap) and become the
   * `ids` array only when first read (JSON.stringify, structuredClone and spreads read it).
   */
  getState(): ParquetSourceState {
    const s = this.restoring;
    if (s) return structuredClone(s);
    const state = {
      kind: "parquet",
      version: 1,
      fingerprint: this.table.fingerprint,
      labels: [...this.tasks],
      shuffle: this.shuffle,
      capacity: this.capacity,
      orderSeed: this.orderSeed,
      pass: this.pass,
      cursor: this.cursor,
      nextUnit: this.nextUnit,
      random: this.random.getState(),
    } as Omit<ParquetSourceState, "ids"> as ParquetSourceState;
    return withLazyIds(state, this.buffer.idSnapshot());
  }

  setState(state: SourceState): void {
    const s = state as ParquetSourceState;
    const want = `a state of a source over ${this.table.name} (labels ${this.tasks.join(", ")}, shuffle ${this.shuffle}, capacity ${this.capacity})`;
    if (
      s?.kind !== "parquet" ||
      s.version !== 1 ||
      s.fingerprint !== this.table.fingerprint ||
      s.labels?.join("\0") !== this.tasks.join("\0") ||
      s.shuffle !== this.shuffle ||
      s.capacity !== this.capacity ||
      !Array.isArray(s.ids) ||
      s.ids.length > this.capacity ||
      s.ids.some((id) => !Number.isInteger(id) || id < 0 || id >= this.size)
    )
      throw new ConfigError(
        `Dataset "${this.table.name}": the source state ${show({ kind: s?.kind, labels: s?.labels, capacity: s?.capacity })} does not fit this source; expected ${want}.`,
        { task: this.table.name, field: "state", value: s?.kind, expected: want },
      );
    this.restoring = structuredClone(s);
  }

  /** Rebuilds the buffer from the saved row ids: each row group holding some is read once. */
  private async restore(s: ParquetSourceState): Promise<void> {
    this.pending = undefined; // a stale prefetch is dropped
    this.buffer.clear();
    this.pass = s.pass;
    this.cursor = s.cursor;
    this.nextUnit = s.nextUnit;
    this.orderSeed = s.orderSeed;
    this.random.setState(s.random);
    this.order = s.pass > 0 ? this.orderOf(s.pass) : new Int32Array(0);
    this.maxHeld = 0;
    const byUnit = new Map<number, number[]>();
    s.ids.forEach((id, slot) => {
      const u = this.table.unitOf(id);
      const list = byUnit.get(u);
      if (list) list.push(slot);
      else byUnit.set(u, [slot]);
    });
    for (const [u, slots] of [...byUnit].sort((a, b) => a[0] - b[0])) {
      const block = await this.table.readUnit(u);
      const offset = this.table.units[u].offset;
      for (const slot of slots) this.buffer.place(slot, block, s.ids[slot] - offset, s.ids[slot]);
    }
    this.buffer.setFilled(s.ids.length);
    this.restoring = undefined;
    this.noteHeld();
    this.startPrefetch();
  }

  stats(): SourceStats {
    return {
      held: this.buffer.count + (this.pending?.rows ?? 0),
      maxHeld: this.maxHeld,
      rowGroupsRead: this.rowGroupsRead,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const p = this.pending;
    this.pending = undefined;
    if (p) await p.block.catch(() => undefined);
    this.buffer.clear();
    this.table.release();
  }
}
