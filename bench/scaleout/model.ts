/**
 * Spike only (bench/scaleout): the model and the per-step math of data-parallel training with a
 * representation-level gradient method (MGDA-UB: min-norm weights from the Gram of the task
 * gradients of the shared representation), on real MultiMNIST inputs with T tasks read off the
 * two digits. Every replica builds the same weights from the seed. A worker holds rows
 * [lo, hi) of the global batch; task losses are means over the global batch, so the local
 * per-sample representation gradients are exactly the rows of the global ones, and the global
 * T x T Gram is the sum of the local Grams.
 */
import * as tf from "@tensorflow/tfjs";

export const TASKS = ["left", "right", "leftOdd", "rightOdd", "sumOdd", "leftBigger"] as const;
export const CLASSES = [10, 10, 2, 2, 2, 2];

/** The T label arrays of MultiMNIST pairs. */
export function taskLabels(left: Int32Array, right: Int32Array, t: number): Int32Array[] {
  const f = [
    (l: number, _r: number) => l,
    (_l: number, r: number) => r,
    (l: number) => l % 2,
    (_l: number, r: number) => r % 2,
    (l: number, r: number) => (l + r) % 2,
    (l: number, r: number) => (l > r ? 1 : 0),
  ];
  return f.slice(0, t).map((g) => Int32Array.from(left, (l, i) => g(l, right[i])));
}

export class Replica {
  readonly shared: tf.Variable[];
  readonly heads: tf.Variable[][];

  constructor(
    readonly tasks: number,
    seed: number,
    readonly hidden = [256, 128],
  ) {
    const dims = [784, ...hidden];
    this.shared = [];
    dims.slice(1).forEach((d, i) => {
      const fan = dims[i];
      this.shared.push(
        tf.variable(tf.randomNormal([fan, d], 0, Math.sqrt(2 / fan), "float32", seed + i)),
      );
      this.shared.push(tf.variable(tf.zeros([d])));
    });
    const z = dims[dims.length - 1];
    this.heads = CLASSES.slice(0, tasks).map((c, t) => [
      tf.variable(tf.randomNormal([z, c], 0, Math.sqrt(1 / z), "float32", seed + 100 + t)),
      tf.variable(tf.zeros([c])),
    ]);
  }

  get params(): tf.Variable[] {
    return [...this.shared, ...this.heads.flat()];
  }

  /** Parameters shared by every task (what a parameter-level method needs T gradients of). */
  get sharedSize(): number {
    return this.shared.reduce((a, v) => a + v.size, 0);
  }

  get size(): number {
    return this.params.reduce((a, v) => a + v.size, 0);
  }

  backbone(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (let i = 0; i < this.shared.length; i += 2)
      h = tf.relu(
        tf.add(tf.matMul(h, this.shared[i] as tf.Tensor2D), this.shared[i + 1]),
      ) as tf.Tensor2D;
    return h;
  }

  /** Task t's loss: the sum over these rows of cross-entropy, divided by the global batch size. */
  taskLoss(z: tf.Tensor2D, y: tf.Tensor1D, t: number, globalBatch: number): tf.Scalar {
    const [w, b] = this.heads[t];
    const logits = tf.add(tf.matMul(z, w as tf.Tensor2D), b);
    // written out: tf.losses.softmaxCrossEntropy's gradient under Reduction.NONE is not the
    // per-sample gradient (it scales by the row count), which breaks sum-of-local-Grams
    const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(y, CLASSES[t]), tf.logSoftmax(logits))));
    return tf.div(nll, globalBatch) as tf.Scalar;
  }

  /** Local T x T Gram of the per-sample representation gradients (row-major, float64). */
  localGram(x: tf.Tensor2D, ys: tf.Tensor1D[], globalBatch: number): Float64Array {
    const t = this.tasks;
    const g = tf.tidy(() => {
      const z = this.backbone(x);
      const grads = ys.map((y, k) =>
        tf.grad((zz: tf.Tensor) => this.taskLoss(zz as tf.Tensor2D, y, k, globalBatch))(z),
      );
      const flat = tf.stack(grads.map((gr) => gr.reshape([-1])));
      return tf.matMul(flat, flat, false, true);
    });
    const out = Float64Array.from(g.dataSync());
    g.dispose();
    if (out.length !== t * t) throw new Error("gram size");
    return out;
  }

  /** Gradient of sum_t w_t L_t over every parameter (w held fixed), flattened. */
  combinedGradient(
    x: tf.Tensor2D,
    ys: tf.Tensor1D[],
    w: readonly number[],
    globalBatch: number,
  ): Float32Array {
    const { grads } = tf.variableGrads(() => {
      const z = this.backbone(x);
      return tf.addN(
        ys.map((y, k) => tf.mul(this.taskLoss(z, y, k, globalBatch), w[k])),
      ) as tf.Scalar;
    }, this.params);
    return flatten(this.params.map((p) => grads[p.name]));
  }

  /** Parameter-level methods' input: each task's gradient of the shared parameters, T x P_shared. */
  taskGradients(x: tf.Tensor2D, ys: tf.Tensor1D[], globalBatch: number): Float32Array {
    const out = new Float32Array(this.tasks * this.sharedSize);
    ys.forEach((y, k) => {
      const { grads } = tf.variableGrads(
        () => this.taskLoss(this.backbone(x), y, k, globalBatch),
        this.shared,
      );
      out.set(flatten(this.shared.map((p) => grads[p.name])), k * this.sharedSize);
    });
    return out;
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}

/** Flattens and disposes a list of gradient tensors. */
function flatten(ts: tf.Tensor[]): Float32Array {
  const n = ts.reduce((a, t) => a + t.size, 0);
  const out = new Float32Array(n);
  let o = 0;
  for (const t of ts) {
    out.set(t.dataSync() as Float32Array, o);
    o += t.size;
    t.dispose();
  }
  return out;
}

/** Rows [lo, hi) of a batch as tensors. */
export function rows(
  x: Float32Array,
  labels: Int32Array[],
  lo: number,
  hi: number,
): { x: tf.Tensor2D; ys: tf.Tensor1D[] } {
  return {
    x: tf.tensor2d(x.subarray(lo * 784, hi * 784), [hi - lo, 784]),
    ys: labels.map((l) => tf.tensor1d(l.subarray(lo, hi), "int32")),
  };
}
