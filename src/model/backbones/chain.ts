/** Composes modules in sequence, optionally exposing their grouping into stages. */
import { ExportError } from "../../errors.js";
import type { LayerFn, Module, Shape } from "../params.js";

/** A module that also exposes its sequential stages (what cross-stitch units sit between). */
export interface StagedModule extends Module {
  readonly stages: readonly Module[];
}

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

/**
 * The chain of every group's modules in order, exposing each non-empty group as one stage:
 * applying the stages one after another equals applying the whole module, and it exports as
 * the whole chain does.
 */
export function stagedChain(
  inputShape: Shape,
  groups: readonly (readonly Module[])[],
): StagedModule {
  const stages: Module[] = [];
  let shape = inputShape;
  for (const g of groups) {
    if (g.length === 0) continue;
    const stage = chain(shape, g);
    stages.push(stage);
    shape = stage.outputShape;
  }
  const whole = chain(inputShape, stages);
  return { outputShape: whole.outputShape, apply: whole.apply, toLayers: whole.toLayers, stages };
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
