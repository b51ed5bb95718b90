/**
 * A bounded buffer of samples in preallocated slabs (inputs, each task's labels and mask, and
 * each sample's global row id). Rows are copied in from decoded row groups, so a row group's
 * memory is released as soon as it is in the buffer; samples leave it either at a random slot
 * (shuffling: the last slot moves into the freed one) or in insertion order.
 */
import type { RowBlock } from "./parquet-decode.js";

export interface BufferLabel {
  readonly key: string;
  readonly int: boolean;
  readonly labelSize: number;
}

/** The growing arrays of one output chunk. */
export class ChunkBuilder {
  readonly x: Float32Array | Int32Array;
  readonly y: Record<string, Int32Array | Float32Array> = {};
  readonly mask: Record<string, Float32Array> = {};
  private readonly present: Record<string, boolean> = {};

  constructor(
    readonly size: number,
    per: number,
    int: boolean,
    labels: readonly BufferLabel[],
  ) {
    this.x = int ? new Int32Array(size * per) : new Float32Array(size * per);
    for (const l of labels) {
      this.y[l.key] = l.int
        ? new Int32Array(size * l.labelSize)
        : new Float32Array(size * l.labelSize);
      this.mask[l.key] = new Float32Array(size);
      this.present[l.key] = true;
    }
  }

  setMask(key: string, k: number, v: number): void {
    this.mask[key][k] = v;
    if (v === 0) this.present[key] = false;
  }

  /** The chunk's masks: only those with a missing label. */
  masks(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const [k, m] of Object.entries(this.mask)) if (!this.present[k]) out[k] = m;
    return out;
  }
}

export class ShuffleBuffer {
  readonly capacity: number;
  /** Occupied slots are [head, end). */
  private head = 0;
  private end = 0;
  private readonly x: Float32Array | Int32Array;
  private readonly y: Record<string, Int32Array | Float32Array> = {};
  private readonly mask: Record<string, Uint8Array> = {};
  private readonly ids: Float64Array;

  constructor(
    capacity: number,
    private readonly per: number,
    int: boolean,
    private readonly labels: readonly BufferLabel[],
  ) {
    this.capacity = capacity;
    this.x = int ? new Int32Array(capacity * per) : new Float32Array(capacity * per);
    for (const l of labels) {
      this.y[l.key] = l.int
        ? new Int32Array(capacity * l.labelSize)
        : new Float32Array(capacity * l.labelSize);
      this.mask[l.key] = new Uint8Array(capacity);
    }
    this.ids = new Float64Array(capacity);
  }

  get count(): number {
    return this.end - this.head;
  }

  clear(): void {
    this.head = 0;
    this.end = 0;
  }

  /** Copies row `row` of `block` (global id `id`) into slot `slot`. */
  place(slot: number, block: RowBlock, row: number, id: number): void {
    const per = this.per;
    this.x.set(block.x.subarray(row * per, (row + 1) * per), slot * per);
    for (const l of this.labels) {
      const ls = l.labelSize;
      const src = block.y[l.key];
      if (ls === 1) this.y[l.key][slot] = src[row];
      else this.y[l.key].set(src.subarray(row * ls, (row + 1) * ls), slot * ls);
      this.mask[l.key][slot] = block.mask[l.key]?.[row] ?? 1;
    }
    this.ids[slot] = id;
  }

  /** Appends every row of `block`, whose first row has global id `offset`. */
  append(block: RowBlock, offset: number): void {
    if (this.head > 0 && this.head === this.end) this.clear();
    if (this.end + block.rows > this.capacity)
      throw new Error(
        `internal: shuffle buffer overflow (${this.end} + ${block.rows} > ${this.capacity})`,
      );
    for (let r = 0; r < block.rows; r++) this.place(this.end + r, block, r, offset + r);
    this.end += block.rows;
  }

  /** Marks slots [0, n) as filled (after `place` calls that restored them). */
  setFilled(n: number): void {
    this.head = 0;
    this.end = n;
  }

  /** Copies the sample in `slot` into `out` at position `k`. */
  private copyOut(slot: number, out: ChunkBuilder, k: number): void {
    const per = this.per;
    out.x.set(this.x.subarray(slot * per, (slot + 1) * per), k * per);
    for (const l of this.labels) {
      const ls = l.labelSize;
      if (ls === 1) out.y[l.key][k] = this.y[l.key][slot];
      else out.y[l.key].set(this.y[l.key].subarray(slot * ls, (slot + 1) * ls), k * ls);
      out.setMask(l.key, k, this.mask[l.key][slot]);
    }
  }

  /** Takes the sample at a random position `j` in [0, count): the last one fills its slot. */
  takeAt(j: number, out: ChunkBuilder, k: number): void {
    const slot = this.head + j;
    this.copyOut(slot, out, k);
    const last = this.end - 1;
    if (slot !== last) this.moveSlot(last, slot);
    this.end--;
  }

  /** Takes the oldest sample (insertion order). */
  takeFirst(out: ChunkBuilder, k: number): void {
    this.copyOut(this.head, out, k);
    this.head++;
    if (this.head === this.end) this.clear();
  }

  private moveSlot(from: number, to: number): void {
    const per = this.per;
    this.x.copyWithin(to * per, from * per, (from + 1) * per);
    for (const l of this.labels) {
      const ls = l.labelSize;
      this.y[l.key].copyWithin(to * ls, from * ls, (from + 1) * ls);
      this.mask[l.key][to] = this.mask[l.key][from];
    }
    this.ids[to] = this.ids[from];
  }

  /** Global row ids of the buffered samples, oldest slot first (for checkpoints): a copy. */
  idSnapshot(): Float64Array {
    return this.ids.slice(this.head, this.end);
  }
}
