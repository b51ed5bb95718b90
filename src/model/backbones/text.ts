/**
 * A text backbone for int32 token ids [n, len]: an embedding, an optional 1-D convolution,
 * then max or mean pooling over tokens (Kim 2014 style when `filters > 0`).
 */
import * as tf from "@tensorflow/tfjs";
import { num, parseOptions, z } from "../../util/schema.js";
import { dropout } from "../layers/dropout.js";
import { conv1d, embedding } from "../layers/embedding.js";
import type { Module, ParamFactory, Shape } from "../params.js";
import { layersOf } from "./chain.js";
import type { Backbone } from "./types.js";

export interface TextArgs {
  /** Number of token ids (ids >= vocabSize are clipped). Required. */
  vocabSize: number;
  /** Embedding size. Defaults to `32`. */
  embedDim?: number;
  /** Filters of the 1-D conv; `0` for none (embedding + pooling). Defaults to `64`. */
  filters?: number;
  /** Conv kernel size. Defaults to `3`. */
  kernelSize?: number;
  /** Pooling over tokens. Defaults to `"max"`. */
  pooling?: "max" | "mean";
  /** Dropout on the pooled features. Defaults to `0`. */
  dropout?: number;
}

export const textSchema = z.strictObject({
  vocabSize: num.count(),
  embedDim: num.count().optional(),
  filters: num.index().optional(),
  kernelSize: num.count().optional(),
  pooling: z.enum(["max", "mean"]).optional(),
  dropout: num.fraction().optional(),
});

export function text(args: TextArgs): Backbone<Required<TextArgs>> {
  parseOptions(textSchema, args, { where: 'backbone "text"' });
  const config = {
    vocabSize: args.vocabSize,
    embedDim: args.embedDim ?? 32,
    filters: args.filters ?? 64,
    kernelSize: args.kernelSize ?? 3,
    pooling: args.pooling ?? "max",
    dropout: args.dropout ?? 0,
  };
  return Object.freeze({
    kind: "text",
    config: Object.freeze(config),
    inputDtype: "int32" as const,
    build(inputShape: Shape, f: ParamFactory): Module {
      const emb = embedding(f.scope("embedding"), inputShape, config.vocabSize, config.embedDim);
      const conv =
        config.filters > 0
          ? conv1d(f.scope("conv"), emb.outputShape, config.filters, config.kernelSize)
          : undefined;
      const width = conv ? config.filters : config.embedDim;
      const drop = dropout([width], config.dropout);
      return {
        outputShape: [width],
        apply: (x, ctx) => {
          let h = emb.apply(x, ctx);
          if (conv) h = conv.apply(h, ctx);
          const pooled = config.pooling === "max" ? tf.max(h, 1) : tf.mean(h, 1);
          return drop.apply(pooled, ctx);
        },
        toLayers: () => {
          const e = layersOf(emb);
          const c = conv ? layersOf(conv) : undefined;
          const pool =
            config.pooling === "max"
              ? tf.layers.globalMaxPooling1d({})
              : tf.layers.globalAveragePooling1d({});
          return (x) => pool.apply(c ? c(e(x)) : e(x)) as tf.SymbolicTensor;
        },
      };
    },
  });
}
