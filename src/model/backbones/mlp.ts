/** A multi-layer perceptron: flatten, then dense layers with ReLU (and optional dropout/BN). */
import { num, parseOptions, z } from "../../util/schema.js";
import { batchNorm } from "../layers/batchNorm.js";
import { dense, flatten, relu } from "../layers/dense.js";
import { dropout } from "../layers/dropout.js";
import type { Module, ParamFactory, Shape } from "../params.js";
import { chain } from "./chain.js";
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
      const mods: Module[] = [flatten(inputShape)];
      let shape = mods[0].outputShape;
      config.units.forEach((u, i) => {
        const s = f.scope(`dense${i}`);
        const lin = dense(s, shape, u, config.batchNorm ? "linear" : "relu", i === 0);
        mods.push(lin);
        shape = lin.outputShape;
        if (config.batchNorm) {
          mods.push(batchNorm(f.scope(`bn${i}`), shape), relu(shape));
        }
        if (config.dropout > 0) mods.push(dropout(shape, config.dropout));
      });
      return chain(inputShape, mods);
    },
  });
}
