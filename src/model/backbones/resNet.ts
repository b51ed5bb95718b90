/**
 * A small ResNet (He et al. 2016): a 3x3 stem, then stages of basic residual blocks
 * (conv-BN-ReLU-conv-BN + skip; the first block of a later stage halves the resolution with a
 * 1x1 projection on the skip), then global average pooling.
 */
import * as tf from "@tensorflow/tfjs";
import { num, parseOptions, z } from "../../util/schema.js";
import { batchNorm } from "../layers/batchNorm.js";
import { conv2d, globalAvgPool } from "../layers/conv.js";
import type { Module, ParamFactory, Shape } from "../params.js";
import { layersOf } from "./chain.js";
import type { Backbone } from "./types.js";

export interface ResNetArgs {
  /** Filters of each stage. Defaults to `[16, 32, 64]`. */
  filters?: readonly number[];
  /** Residual blocks per stage. Defaults to `1`. */
  blocks?: number;
}

function block(f: ParamFactory, shape: Shape, filters: number, stride: number): Module {
  const c1 = conv2d(f.scope("conv1"), shape, filters, 3, {
    strides: stride,
    activation: "linear",
    useBias: false,
  });
  const b1 = batchNorm(f.scope("bn1"), c1.outputShape);
  const c2 = conv2d(f.scope("conv2"), c1.outputShape, filters, 3, {
    activation: "linear",
    useBias: false,
  });
  const b2 = batchNorm(f.scope("bn2"), c2.outputShape);
  const needsProj = stride !== 1 || shape[2] !== filters;
  const proj = needsProj
    ? conv2d(f.scope("proj"), shape, filters, 1, {
        strides: stride,
        activation: "linear",
        useBias: false,
      })
    : undefined;
  return {
    outputShape: c2.outputShape,
    apply: (x, ctx) => {
      const h = tf.relu(b1.apply(c1.apply(x, ctx), ctx));
      const y = b2.apply(c2.apply(h, ctx), ctx);
      const skip = proj ? proj.apply(x, ctx) : x;
      return tf.relu(tf.add(y, skip));
    },
    toLayers: () => {
      const [l1, n1, l2, n2] = [c1, b1, c2, b2].map((m) => layersOf(m));
      const lp = proj ? layersOf(proj) : undefined;
      const relu1 = tf.layers.activation({ activation: "relu" });
      const add = tf.layers.add({});
      const relu2 = tf.layers.activation({ activation: "relu" });
      return (x) => {
        const h = relu1.apply(n1(l1(x))) as tf.SymbolicTensor;
        const y = n2(l2(h));
        return relu2.apply(add.apply([y, lp ? lp(x) : x])) as tf.SymbolicTensor;
      };
    },
  };
}

export const resNetSchema = z.strictObject({
  filters: z.array(num.count()).min(1).readonly().optional(),
  blocks: num.count().optional(),
});

export function resNet(args: ResNetArgs = {}): Backbone<Required<ResNetArgs>> {
  parseOptions(resNetSchema, args, { where: 'backbone "resNet"' });
  const config = { filters: [...(args.filters ?? [16, 32, 64])], blocks: args.blocks ?? 1 };
  return Object.freeze({
    kind: "resNet",
    config: Object.freeze(config),
    build(inputShape: Shape, f: ParamFactory): Module {
      const stem = conv2d(f.scope("stem"), inputShape, config.filters[0], 3, {
        activation: "linear",
        useBias: false,
      });
      const stemBn = batchNorm(f.scope("stemBn"), stem.outputShape);
      const blocks: Module[] = [];
      let shape = stem.outputShape;
      config.filters.forEach((filters, s) => {
        for (let b = 0; b < config.blocks; b++) {
          const m = block(f.scope(`stage${s}/block${b}`), shape, filters, s > 0 && b === 0 ? 2 : 1);
          blocks.push(m);
          shape = m.outputShape;
        }
      });
      const pool = globalAvgPool(shape);
      return {
        outputShape: pool.outputShape,
        apply: (x, ctx) => {
          let h = tf.relu(stemBn.apply(stem.apply(x, ctx), ctx));
          for (const m of blocks) h = m.apply(h, ctx);
          return pool.apply(h, ctx);
        },
        toLayers: () => {
          const relu = tf.layers.activation({ activation: "relu" });
          const [s0, n0, p] = [stem, stemBn, pool].map((m) => layersOf(m));
          const bs = blocks.map((m) => layersOf(m));
          return (x) => p(bs.reduce((h, b) => b(h), relu.apply(n0(s0(x))) as tf.SymbolicTensor));
        },
      };
    },
  });
}
