/**
 * One task's stream of sample indices: passes over the dataset, each a fresh seeded
 * permutation (or the identity when not shuffling). Batches are pass-aligned: the last batch
 * of a pass holds the remainder, and the next batch starts a new pass. The state (the RNG
 * state before the current pass's shuffle, and the cursor) restores the stream exactly.
 */
import type { Random, RandomState } from "../util/random.js";

export interface TaskStreamState {
  /** RNG state from which the current pass's permutation was drawn. */
  random: RandomState;
  /** Samples of the current pass already served. */
  cursor: number;
  /** Passes started so far (1 after the first batch). */
  pass: number;
}

export class TaskStream {
  private readonly random: Random;
  private readonly perm: Int32Array;
  private passStart: RandomState;
  private cursor: number;
  private pass = 0;

  constructor(
    readonly size: number,
    random: Random,
    private readonly shuffle: boolean,
  ) {
    this.random = random;
    this.perm = new Int32Array(size);
    this.passStart = random.getState();
    this.cursor = size; // no pass started yet: the first batch starts one
  }

  private startPass(): void {
    this.passStart = this.random.getState();
    for (let i = 0; i < this.size; i++) this.perm[i] = i;
    if (this.shuffle) this.random.shuffle(this.perm);
    this.cursor = 0;
    this.pass++;
  }

  /** The next batch's indices: min(batchSize, what is left of the current pass). */
  next(batchSize: number): Int32Array {
    if (this.cursor >= this.size) this.startPass();
    const end = Math.min(this.size, this.cursor + batchSize);
    const out = this.perm.slice(this.cursor, end);
    this.cursor = end;
    return out;
  }

  getState(): TaskStreamState {
    return { random: [...this.passStart] as RandomState, cursor: this.cursor, pass: this.pass };
  }

  setState(s: TaskStreamState): void {
    if (s.pass === 0) {
      this.random.setState(s.random);
      this.passStart = s.random;
      this.cursor = this.size;
      this.pass = 0;
      return;
    }
    this.random.setState(s.random);
    this.startPass(); // redraws the same permutation, leaving the RNG where it was
    this.cursor = s.cursor;
    this.pass = s.pass;
  }
}
