/**
 * Regularisation gradients, added to the task gradients after weighting: L1 (`l1 * sign`),
 * L2 (`2 l2 theta`) on kernels and embeddings, and L2-SP (`2 lambda (theta - theta0)`) toward
 * the weights at the start of fit, with separate lambdas for shared parts and heads.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../errors.js";
import type { Param } from "../model/params.js";
import type { RegularizeOptions } from "./options.js";

function checkReference(p: Param, saved: { shape: readonly number[]; values: Float32Array }): void {
  const shape = p.variable.shape;
  const n = shape.reduce((a, b) => a * b, 1);
  const same = saved.shape.length === shape.length && saved.shape.every((d, i) => d === shape[i]);
  if (!same || saved.values?.length !== n)
    throw new ConfigError(
      `The saved L2-SP reference "${p.name}" has ${saved.values?.length} values for shape [${saved.shape}]; the parameter has shape [${shape}].`,
      { field: "theta0", value: saved.shape, expected: `[${shape}] with ${n} values` },
    );
}

export class Regularizer {
  private readonly l1: number;
  private readonly l2: number;
  private readonly spShared: number;
  private readonly spHeads: number;
  /** theta0 per parameter name, for L2-SP. */
  private readonly theta0 = new Map<string, tf.Tensor>();

  constructor(
    params: readonly Param[],
    opts: RegularizeOptions = {},
    theta0?: ReadonlyMap<string, { shape: readonly number[]; values: Float32Array }>,
  ) {
    this.l1 = opts.l1 ?? 0;
    this.l2 = opts.l2 ?? 0;
    const sp = opts.l2sp ?? 0;
    this.spShared = typeof sp === "number" ? sp : (sp.backbone ?? 0);
    this.spHeads = typeof sp === "number" ? 0 : (sp.heads ?? 0);
    if (this.spShared > 0 || this.spHeads > 0)
      try {
        for (const p of params) {
          if (!p.trainable || this.spFor(p) === 0) continue;
          const saved = theta0?.get(p.name);
          if (theta0 && !saved)
            throw new ConfigError(
              `The saved L2-SP reference has no entry for parameter "${p.name}".`,
              { field: "theta0", value: p.name, expected: "a reference for every parameter" },
            );
          if (saved) checkReference(p, saved);
          this.theta0.set(
            p.name,
            tf.keep(saved ? tf.tensor(saved.values, saved.shape as number[]) : p.variable.clone()),
          );
        }
      } catch (e) {
        this.dispose();
        throw e;
      }
  }

  private spFor(p: Param): number {
    return p.part.startsWith("head:") || p.part.startsWith("adapter:")
      ? this.spHeads
      : this.spShared;
  }

  get active(): boolean {
    return this.l1 > 0 || this.l2 > 0 || this.theta0.size > 0;
  }

  /** The reference weights of L2-SP, for checkpoints (one asynchronous read). */
  async referenceWeights(): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
    const entries = [...this.theta0];
    const values = await Promise.all(entries.map(([, t]) => t.data()));
    const m = new Map<string, { shape: number[]; values: Float32Array }>();
    entries.forEach(([k, t], i) =>
      m.set(k, { shape: [...t.shape], values: Float32Array.from(values[i] as Float32Array) }),
    );
    return m;
  }

  /** The gradient plus the regularisation gradient of `p` (a new tensor; `g` is not disposed). */
  add(p: Param, g: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let out = g;
      const v = p.variable;
      if (p.regularizable && this.l2 > 0) out = tf.add(out, tf.mul(v, 2 * this.l2));
      if (p.regularizable && this.l1 > 0) out = tf.add(out, tf.mul(tf.sign(v), this.l1));
      const t0 = this.theta0.get(p.name);
      if (t0) out = tf.add(out, tf.mul(tf.sub(v, t0), 2 * this.spFor(p)));
      return out === g ? g.clone() : out;
    });
  }

  /** The regularisation penalty as a scalar tensor (for reports; the caller disposes). */
  penalty(params: readonly Param[]): tf.Scalar {
    return tf.tidy(() => {
      let s = tf.scalar(0);
      for (const p of params) {
        if (p.regularizable && this.l2 > 0)
          s = tf.add(s, tf.mul(tf.sum(tf.square(p.variable)), this.l2));
        if (p.regularizable && this.l1 > 0)
          s = tf.add(s, tf.mul(tf.sum(tf.abs(p.variable)), this.l1));
        const t0 = this.theta0.get(p.name);
        if (t0) s = tf.add(s, tf.mul(tf.sum(tf.square(tf.sub(p.variable, t0))), this.spFor(p)));
      }
      return s;
    });
  }

  dispose(): void {
    for (const t of this.theta0.values()) t.dispose();
    this.theta0.clear();
  }
}
