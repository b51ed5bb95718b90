/** SGD with (optionally Nesterov) momentum: v = m v + g; theta -= lr (g + m v if nesterov else v). */
import * as tf from "@tensorflow/tfjs";
import { num, parseOptions, z } from "../../util/schema.js";
import { Slots } from "./slots.js";
import type { Optimizer, OptimizerState } from "./types.js";

export interface SgdArgs {
  /** Learning rate. Defaults to `0.01`. */
  lr?: number;
  /** Momentum. Defaults to `0.9`. */
  momentum?: number;
  /** Nesterov momentum. Defaults to `false`. */
  nesterov?: boolean;
}

export const sgdSchema = z.strictObject({
  lr: num.positive().optional(),
  momentum: num.fraction().optional(),
  nesterov: z.boolean().optional(),
});

export function sgd(args: SgdArgs = {}): Optimizer<Required<SgdArgs>> {
  parseOptions(sgdSchema, args, { where: 'optimizer "sgd"' });
  const config = Object.freeze({
    lr: args.lr ?? 0.01,
    momentum: args.momentum ?? 0.9,
    nesterov: args.nesterov ?? false,
  });
  return Object.freeze({
    name: "sgd",
    lr: config.lr,
    config,
    create() {
      const slots = new Slots("sgd");
      return {
        apply(
          names: readonly string[],
          vars: readonly tf.Variable[],
          grads: readonly tf.Tensor[],
          baseLr: number,
          lrScales?: readonly number[],
        ) {
          slots.step++;
          tf.tidy(() => {
            vars.forEach((v, i) => {
              const g = grads[i];
              const lr = baseLr * (lrScales?.[i] ?? 1);
              if (config.momentum === 0) {
                v.assign(tf.sub(v, tf.mul(g, lr)));
                return;
              }
              const m = slots.get(names[i], "momentum", v);
              const nm = tf.add(tf.mul(m, config.momentum), g);
              m.assign(nm);
              const upd = config.nesterov ? tf.add(g, tf.mul(nm, config.momentum)) : nm;
              v.assign(tf.sub(v, tf.mul(upd, lr)));
            });
          });
        },
        getState: () => slots.getState(),
        setState: (s: OptimizerState) => slots.setState(s),
        snapshot: () => slots.snapshot(),
        dispose: () => slots.dispose(),
      };
    },
  });
}
