/** Composes modules in sequence. */
import { ExportError } from "../../errors.js";
import type { LayerFn, Module, Shape } from "../params.js";

export function chain(inputShape: Shape, mods: readonly Module[]): Module {
  return {
    outputShape: mods.length ? mods[mods.length - 1].outputShape : inputShape,
    apply: (x, ctx) => mods.reduce((h, m) => m.apply(h, ctx), x),
    toLayers: () => {
      const fns = mods.map((m) => layersOf(m));
      return (x) => fns.reduce((h, f) => f(h), x);
    },
  };
}

/** `m.toLayers()`, or an ExportError naming what cannot be exported. */
export function layersOf(m: Module, what = "a module"): LayerFn {
  if (!m.toLayers)
    throw new ExportError(
      `Cannot export ${what}: it has no tf.layers equivalent (a Module without toLayers()).`,
      { field: "toLayers", expected: "modules built from polytask's layers" },
    );
  return m.toLayers();
}
