/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019, decoupled weight decay:
 * theta -= lr * weightDecay * theta, separate from the adaptive step).
 */
import * as tf from "@tensorflow/tfjs";
import { num, parseOptions, z } from "../../util/schema.js";
import { Slots } from "./slots.js";
import type { Optimizer, OptimizerInstance } from "./types.js";

export interface AdamArgs {
  /** Learning rate. Defaults to `0.001`. */
  lr?: number;
  /** Defaults to `0.9`. */
  beta1?: number;
  /** Defaults to `0.999`. */
  beta2?: number;
  /** Defaults to `1e-7`. */
  epsilon?: number;
}

export interface AdamWArgs extends AdamArgs {
  /** Decoupled weight decay. Defaults to `0.01`. */
  weightDecay?: number;
}

export const adamSchema = z.strictObject({
  lr: num.positive().optional(),
  beta1: num.fraction().optional(),
  beta2: num.fraction().optional(),
  epsilon: num.positive().optional(),
});

export const adamwSchema = adamSchema.extend({ weightDecay: num.nonNegative().optional() });

function adamInstance(name: string, c: Required<AdamWArgs>): OptimizerInstance {
  const slots = new Slots(name);
  return {
    apply(names, vars, grads, lr, lrScales) {
      slots.step++;
      const t = slots.step;
      tf.tidy(() => {
        vars.forEach((v, i) => {
          const g = grads[i];
          const vlr = lr * (lrScales?.[i] ?? 1);
          const stepSize = (vlr * Math.sqrt(1 - c.beta2 ** t)) / (1 - c.beta1 ** t);
          const m = slots.get(names[i], "m", v);
          const s = slots.get(names[i], "v", v);
          const nm = tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1));
          const ns = tf.add(tf.mul(s, c.beta2), tf.mul(tf.square(g), 1 - c.beta2));
          m.assign(nm);
          s.assign(ns);
          let next = tf.sub(v, tf.mul(tf.div(nm, tf.add(tf.sqrt(ns), c.epsilon)), stepSize));
          // decoupled decay follows the variable's rate (as a parameter group's lr would)
          if (c.weightDecay > 0) next = tf.sub(next, tf.mul(v, vlr * c.weightDecay));
          v.assign(next);
        });
      });
    },
    getState: () => slots.getState(),
    setState: (s) => slots.setState(s),
    snapshot: () => slots.snapshot(),
    dispose: () => slots.dispose(),
  };
}

function fill(args: AdamWArgs, weightDecay: number): Required<AdamWArgs> {
  return {
    lr: args.lr ?? 0.001,
    beta1: args.beta1 ?? 0.9,
    beta2: args.beta2 ?? 0.999,
    epsilon: args.epsilon ?? 1e-7,
    weightDecay,
  };
}

export function adam(args: AdamArgs = {}): Optimizer<Required<AdamArgs>> {
  parseOptions(adamSchema, args, { where: 'optimizer "adam"' });
  const c = fill(args, 0);
  const { weightDecay: _, ...config } = c;
  return Object.freeze({
    name: "adam",
    lr: c.lr,
    config: Object.freeze(config),
    create: () => adamInstance("adam", c),
  });
}

export function adamw(args: AdamWArgs = {}): Optimizer<Required<AdamWArgs>> {
  parseOptions(adamwSchema, args, { where: 'optimizer "adamw"' });
  const c = fill(args, args.weightDecay ?? 0.01);
  return Object.freeze({
    name: "adamw",
    lr: c.lr,
    config: Object.freeze(c),
    create: () => adamInstance("adamw", c),
  });
}
