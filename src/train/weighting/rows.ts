/**
 * The K task gradients as rows, wherever they live: on the device ([K, P] float32 tensor, the
 * training loop) or on the host (float64 arrays, `weighting.aggregate`). Gram-based solvers only
 * ask for inner products, so the same solver code serves both:
 * - `gram()`: `G G^T`, one matmul and one read;
 * - `products(A, B)`: `(A G)(B G)^T` for coefficient matrices: the linear combinations are
 *   formed first, so differences of nearly parallel gradients keep their precision (IMTL-G's
 *   `D U^T`, the exact norm of CAGrad's `g_w`), which a float32 Gram matrix loses;
 * - `cross(other)`: `G H^T` between two batches' gradients (MoDo, SDMGrad).
 */
import * as tf from "@tensorflow/tfjs";
import { gramMatrix } from "../../util/gram.js";
import { type Matrix, dot } from "../../util/linalg.js";

export interface Rows {
  readonly count: number;
  /** Relative precision of the inner products (float32 on the device, float64 on the host). */
  readonly precision: number;
  gram(): Promise<Matrix>;
  products(a: Matrix, b: Matrix): Promise<Matrix>;
  cross(other: Rows): Promise<Matrix>;
}

/** Rows of a [K, P] tensor (not owned: never disposed here). */
export class TensorRows implements Rows {
  private cached?: Promise<Matrix>;
  readonly precision = 2 ** -23;
  constructor(readonly tensor: tf.Tensor2D) {}

  get count(): number {
    return this.tensor.shape[0];
  }

  gram(): Promise<Matrix> {
    this.cached ??= gramMatrix(this.tensor);
    return this.cached;
  }

  async products(a: Matrix, b: Matrix): Promise<Matrix> {
    if (a.length === 0 || b.length === 0) return a.map(() => []);
    const out = tf.tidy(() => {
      const x = tf.matMul(tf.tensor2d(a), this.tensor);
      const y = tf.matMul(tf.tensor2d(b), this.tensor);
      return tf.matMul(x, y, false, true);
    });
    const flat = await out.data();
    out.dispose();
    return a.map((_, i) => Array.from(flat.subarray(i * b.length, (i + 1) * b.length)));
  }

  async cross(other: Rows): Promise<Matrix> {
    if (!(other instanceof TensorRows)) throw new Error("internal: cross of mixed rows");
    const out = tf.matMul(this.tensor, other.tensor, false, true);
    const flat = await out.data();
    out.dispose();
    const n = other.count;
    return Array.from({ length: this.count }, (_, i) =>
      Array.from(flat.subarray(i * n, (i + 1) * n)),
    );
  }
}

/** Rows held on the host in float64. */
export class HostRows implements Rows {
  readonly precision = Number.EPSILON;
  constructor(readonly rows: readonly (readonly number[])[]) {}

  get count(): number {
    return this.rows.length;
  }

  async gram(): Promise<Matrix> {
    return this.rows.map((a) => this.rows.map((b) => dot(a, b)));
  }

  /** `sum_i w_i g_i`. */
  combine(w: readonly number[]): number[] {
    const p = this.rows[0]?.length ?? 0;
    const out = new Array<number>(p).fill(0);
    this.rows.forEach((g, i) => {
      if (w[i] !== 0) for (let k = 0; k < p; k++) out[k] += w[i] * g[k];
    });
    return out;
  }

  async products(a: Matrix, b: Matrix): Promise<Matrix> {
    const x = a.map((c) => this.combine(c));
    const y = b.map((c) => this.combine(c));
    return x.map((xi) => y.map((yj) => dot(xi, yj)));
  }

  async cross(other: Rows): Promise<Matrix> {
    if (!(other instanceof HostRows)) throw new Error("internal: cross of mixed rows");
    return this.rows.map((a) => other.rows.map((b) => dot(a, b)));
  }
}

/** The rows `idx` of `rows` (a view: nothing is copied). */
export class SubRows implements Rows {
  constructor(
    readonly parent: Rows,
    readonly idx: readonly number[],
  ) {}

  get count(): number {
    return this.idx.length;
  }

  get precision(): number {
    return this.parent.precision;
  }

  async gram(): Promise<Matrix> {
    const g = await this.parent.gram();
    return this.idx.map((i) => this.idx.map((j) => g[i][j]));
  }

  private expand(c: Matrix): Matrix {
    return c.map((row) => {
      const full = new Array<number>(this.parent.count).fill(0);
      this.idx.forEach((i, k) => {
        full[i] = row[k];
      });
      return full;
    });
  }

  products(a: Matrix, b: Matrix): Promise<Matrix> {
    return this.parent.products(this.expand(a), this.expand(b));
  }

  async cross(other: Rows): Promise<Matrix> {
    const o = other instanceof SubRows ? other : undefined;
    const c = await this.parent.cross(o ? o.parent : other);
    const cols = o ? o.idx : [...Array(other.count).keys()];
    return this.idx.map((i) => cols.map((j) => c[i][j]));
  }
}
