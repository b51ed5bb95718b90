/**
 * A LeNet-like convolutional backbone: per stage conv 3x3 (+ batch norm) + ReLU + 2x2 max-pool,
 * then flatten and dense layers with dropout. `filters: [32, 64]` is LeNet-sized; add stages
 * for a deeper net. Each conv block and each dense layer is one of its `stages` (cross-stitch
 * units go between them).
 */
import { num, parseOptions, z } from "../../util/schema.js";
import { batchNorm } from "../layers/batchNorm.js";
import { conv2d, maxPool } from "../layers/conv.js";
import { dense, flatten, relu } from "../layers/dense.js";
import { dropout } from "../layers/dropout.js";
import type { Module, ParamFactory, Shape } from "../params.js";
import { stagedChain } from "./chain.js";
import type { Backbone } from "./types.js";

export interface ConvNetArgs {
  /** Filters of each conv stage. Defaults to `[32, 64]`. */
  filters?: readonly number[];
  /** Kernel size of every conv. Defaults to `3`. */
  kernelSize?: number;
  /** Units of the dense layer(s) after the conv stages. Defaults to `128`; `[]` for none. */
  dense?: number | readonly number[];
  /** Dropout rate after the conv stack and after each dense layer. Defaults to `0`. */
  dropout?: number;
  /** Batch norm after each conv. Defaults to `false`. */
  batchNorm?: boolean;
  /**
   * Convolution padding: "same" keeps the spatial size, "valid" uses full windows only (LeNet:
   * `{ filters: [10, 20], kernelSize: 5, padding: "valid", dense: 50 }`). Defaults to `"same"`.
   */
  padding?: "same" | "valid";
}

export const convNetSchema = z.strictObject({
  filters: z.array(num.count()).readonly().optional(),
  kernelSize: num.count().optional(),
  dense: z.union([num.count(), z.array(num.count()).readonly()]).optional(),
  dropout: num.fraction().optional(),
  batchNorm: z.boolean().optional(),
  padding: z.enum(["same", "valid"]).optional(),
});

export function convNet(args: ConvNetArgs = {}): Backbone<Required<ConvNetArgs>> {
  parseOptions(convNetSchema, args, { where: 'backbone "convNet"' });
  const d = args.dense ?? 128;
  const config = {
    filters: [...(args.filters ?? [32, 64])],
    kernelSize: args.kernelSize ?? 3,
    dense: typeof d === "number" ? [d] : [...d],
    dropout: args.dropout ?? 0,
    batchNorm: args.batchNorm ?? false,
    padding: args.padding ?? "same",
  };
  return Object.freeze({
    kind: "convNet",
    config: Object.freeze(config),
    build(inputShape: Shape, f: ParamFactory): Module {
      // stages: each conv block (conv, batch norm, pool), then each dense layer (with its
      // dropout); flatten and the conv stack's dropout open the first dense stage
      const stages: Module[][] = [];
      let mods: Module[] = [];
      let shape = inputShape;
      const push = (m: Module) => {
        mods.push(m);
        shape = m.outputShape;
      };
      const endStage = () => {
        stages.push(mods);
        mods = [];
      };
      config.filters.forEach((filters, i) => {
        const bn = config.batchNorm;
        push(
          conv2d(f.scope(`conv${i}`), shape, filters, config.kernelSize, {
            activation: bn ? "linear" : "relu",
            useBias: !bn,
            padding: config.padding,
            readsInput: i === 0,
          }),
        );
        if (bn) {
          push(batchNorm(f.scope(`bn${i}`), shape));
          push(relu(shape));
        }
        if (shape[0] >= 2 && shape[1] >= 2) push(maxPool(shape));
        endStage();
      });
      // without dense layers, flatten (and dropout) close the last conv stage
      if (config.dense.length === 0 && stages.length > 0) mods = stages.pop() as Module[];
      push(flatten(shape));
      if (config.dropout > 0) push(dropout(shape, config.dropout));
      config.dense.forEach((u, i) => {
        push(dense(f.scope(`dense${i}`), shape, u, "relu"));
        if (config.dropout > 0) push(dropout(shape, config.dropout));
        endStage();
      });
      if (mods.length > 0) endStage();
      return stagedChain(inputShape, stages);
    },
  });
}
