/** Composes modules in sequence. */
import type { Module, Shape } from "../params.js";

export function chain(inputShape: Shape, mods: readonly Module[]): Module {
  return {
    outputShape: mods.length ? mods[mods.length - 1].outputShape : inputShape,
    apply: (x, ctx) => mods.reduce((h, m) => m.apply(h, ctx), x),
  };
}
