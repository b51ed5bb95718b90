/** What every head shares: its options schema, optional hidden layers, a dense output layer. */
import { num, parseOptions, z } from "../../util/schema.js";
import { chain } from "../backbones/chain.js";
import { dense, flatten } from "../layers/dense.js";
import type { Module, ParamFactory, Shape } from "../params.js";
import type { HeadArgs } from "./types.js";

/** A head's options as its config (and a checkpoint) holds them: `{ units, hidden, metrics }`. */
export const headSchema = z.strictObject({
  units: num.count(),
  hidden: z.array(num.count()).readonly().optional(),
  metrics: z.array(z.string().min(1)).readonly().optional(),
});

/** Validates `kind(n, args)` through the head schema (`units` is `n`). */
export function checkHead(kind: string, n: number, args: HeadArgs): void {
  parseOptions(headSchema, { ...args, units: n }, { where: `head "${kind}"` });
}

export function headModule(
  inputShape: Shape,
  f: ParamFactory,
  hidden: readonly number[],
  units: number,
): Module {
  const mods: Module[] = [];
  let shape = inputShape;
  if (shape.length !== 1) {
    mods.push(flatten(shape));
    shape = mods[0].outputShape;
  }
  hidden.forEach((u, i) => {
    const m = dense(f.scope(`hidden${i}`), shape, u, "relu");
    mods.push(m);
    shape = m.outputShape;
  });
  mods.push(dense(f.scope("out"), shape, units, "linear"));
  return chain(inputShape, mods);
}
