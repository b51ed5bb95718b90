/**
 * The benchmark model in plain tfjs (variables + `tf.train.sgd`, i.e. `variableGrads`): the
 * two-head LeNet of Sener & Koltun's MultiMNIST experiments (conv 10@9x9, conv 20@5x5, fc 50,
 * two 10-way heads), the same network as bench/pytorch/train.py.
 */
import * as tf from "@tensorflow/tfjs";
import { PARAMS } from "./data.js";

export interface LeNet2 {
  vars: tf.Variable[];
  /** One SGD step on a batch; returns the summed loss of both heads. */
  step(x: Float32Array, left: Int32Array, right: Int32Array, batch: number): number;
  /** The same step reading the loss asynchronously (webgpu cannot read synchronously in Node). */
  stepAsync(x: Float32Array, left: Int32Array, right: Int32Array, batch: number): Promise<number>;
  dispose(): void;
}

export function lenet2(init: Float32Array[], lr: number): LeNet2 {
  const vars = PARAMS.map((p, i) => tf.variable(tf.tensor(init[i], p.shape), true, p.name));
  const [c1w, c1b, c2w, c2b, fw, fb, lw, lb, rw, rb] = vars;
  const opt = tf.train.sgd(lr);
  const loss = (x: tf.Tensor4D, yl: tf.Tensor1D, yr: tf.Tensor1D): tf.Scalar => {
    let h: tf.Tensor4D = tf.conv2d(x, c1w as tf.Tensor4D, 1, "valid").add(c1b);
    h = tf.relu(tf.maxPool(h, 2, 2, "valid"));
    h = tf.conv2d(h, c2w as tf.Tensor4D, 1, "valid").add(c2b);
    h = tf.relu(tf.maxPool(h, 2, 2, "valid"));
    const z = tf.relu(tf.matMul(h.reshape([x.shape[0], 180]), fw as tf.Tensor2D).add(fb));
    const l = tf.matMul(z as tf.Tensor2D, lw as tf.Tensor2D).add(lb);
    const r = tf.matMul(z as tf.Tensor2D, rw as tf.Tensor2D).add(rb);
    const ce = (logits: tf.Tensor, y: tf.Tensor1D) =>
      tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), logits);
    return ce(l, yl).add(ce(r, yr));
  };
  const run = (x: Float32Array, left: Int32Array, right: Int32Array, batch: number) =>
    tf.tidy(() => {
      const xs = tf.tensor4d(x, [batch, 28, 28, 1]);
      const yl = tf.tensor1d(left, "int32");
      const yr = tf.tensor1d(right, "int32");
      return opt.minimize(() => loss(xs, yl, yr), true)!;
    });
  return {
    vars,
    step(x, left, right, batch) {
      const cost = run(x, left, right, batch);
      const v = cost.dataSync()[0];
      cost.dispose();
      return v;
    },
    async stepAsync(x, left, right, batch) {
      const cost = run(x, left, right, batch);
      const v = (await cost.data())[0] as number;
      cost.dispose();
      return v;
    },
    dispose() {
      opt.dispose();
      tf.dispose(vars);
    },
  };
}
