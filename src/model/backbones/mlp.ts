/**
 * A multi-layer perceptron: flatten, then dense layers with ReLU (and optional dropout/BN). Each
 * hidden layer (with its batch norm and dropout) is one stage (`stages`, used by cross-stitch).
 */
import { num, parseOptions, z } from "../../util/schema.js";
import { batchNorm } from "../layers/batchNorm.js";
import { dense, flatten, relu } from "../layers/dense.js";
import { dropout } from "../layers/dropout.js";
import type { Module, ParamFactory, Shape } from "../params.js";
import { stagedChain } from "./chain.js";
import type { Backbone } from "./types.js";

export interface MlpArgs {
  /** Units of each hidden layer. Defaults to `[64]`. */
  units?: readonly number[];
  /** Dropout rate after each hidden layer. Defaults to `0`. */
  dropout?: number;
  /** Batch norm after each hidden layer's linear part. Defaults to `false`. */
  batchNorm?: boolean;
}

export const mlpSchema = z.strictObject({
  units: z.array(num.count()).readonly().optional(),
  dropout: num.fraction().optional(),
  batchNorm: z.boolean().optional(),
});

export function mlp(args: MlpArgs = {}): Backbone<Required<MlpArgs>> {
  parseOptions(mlpSchema, args, { where: 'backbone "mlp"' });
  const config = {
    units: [...(args.units ?? [64])],
    dropout: args.dropout ?? 0,
    batchNorm: args.batchNorm ?? false,
  };
  return Object.freeze({
    kind: "mlp",
    config: Object.freeze(config),
    build(inputShape: Shape, f: ParamFactory): Module {
      const flat = flatten(inputShape);
      let shape = flat.outputShape;
      const stages: Module[][] = config.units.map((u, i) => {
        const s = f.scope(`dense${i}`);
        const lin = dense(s, shape, u, config.batchNorm ? "linear" : "relu", i === 0);
        const mods: Module[] = [lin];
        shape = lin.outputShape;
        if (config.batchNorm) {
          mods.push(batchNorm(f.scope(`bn${i}`), shape), relu(shape));
        }
        if (config.dropout > 0) mods.push(dropout(shape, config.dropout));
        return mods;
      });
      // flatten joins the first layer's stage (alone when there is no hidden layer)
      if (stages.length > 0) stages[0].unshift(flat);
      else stages.push([flat]);
      return stagedChain(inputShape, stages);
    },
  });
}
