import { ConfigError } from "../../errors.js";
import { chain } from "../backbones/chain.js";
import { dense, flatten } from "../layers/dense.js";
/** What every head shares: optional hidden layers, then a dense output layer. */
import type { Module, ParamFactory, Shape } from "../params.js";

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

export function checkUnits(kind: string, n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError(`${kind}(n): n must be a positive integer, got ${n}.`, {
      field: "units",
      value: n,
      expected: "a positive integer",
    });
}
