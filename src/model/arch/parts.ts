/**
 * Building blocks shared by multi-task architectures (MMoE, PLE): expert MLPs, per-task softmax
 * gates, gated mixtures, access to a backbone's stages, and the `expertUnits` option.
 */
import * as tf from "@tensorflow/tfjs";
import { num, z } from "../../util/schema.js";
import { chain, layersOf } from "../backbones/chain.js";
import { dense } from "../layers/dense.js";
import type { Module, ParamFactory, Shape } from "../params.js";

/** An expert: dense ReLU layers of the given units on a flat [B, D] input. */
export function expertMlp(f: ParamFactory, inDim: number, units: readonly number[]): Module {
  const mods: Module[] = [];
  let shape: Shape = [inDim];
  units.forEach((u, i) => {
    const m = dense(f.scope(`dense${i}`), shape, u, "relu");
    mods.push(m);
    shape = m.outputShape;
  });
  return chain([inDim], mods);
}

/** A gate: a linear map [B, D] -> [B, E] followed by a softmax over the E experts. */
export function softmaxGate(f: ParamFactory, inDim: number, experts: number): Module {
  const lin = dense(f, [inDim], experts, "linear");
  return {
    outputShape: [experts],
    apply: (x, ctx) => tf.softmax(lin.apply(x, ctx)),
    toLayers: () => {
      const l = layersOf(lin);
      const softmax = tf.layers.activation({ activation: "softmax" });
      return (x) => softmax.apply(l(x)) as tf.SymbolicTensor;
    },
  };
}

/** `sum_k gate[:, k] * outputs[k]` for expert outputs of equal shape [B, ...]. */
export function mixExperts(gate: tf.Tensor, outputs: readonly tf.Tensor[]): tf.Tensor {
  const stacked = tf.stack(outputs as tf.Tensor[], 1); // [B, E, ...]
  const g = gate.reshape([
    gate.shape[0],
    gate.shape[1] as number,
    ...outputs[0].shape.slice(1).map(() => 1),
  ]);
  return tf.sum(tf.mul(stacked, g), 1);
}

/**
 * `mixExperts` in tf.layers: stacks the [B, D] expert outputs to [B, E, D] and contracts the
 * expert axis with the [B, E] gate (a Dot layer).
 */
export function mixExpertsLayers(
  gate: tf.SymbolicTensor,
  outputs: readonly tf.SymbolicTensor[],
): tf.SymbolicTensor {
  const d = outputs[0].shape[1] as number;
  const rows = outputs.map((o) => tf.layers.reshape({ targetShape: [1, d] }).apply(o));
  const stacked =
    rows.length === 1
      ? rows[0]
      : tf.layers.concatenate({ axis: 1 }).apply(rows as tf.SymbolicTensor[]);
  return tf.layers
    .dot({ axes: [1, 1] })
    .apply([gate, stacked as tf.SymbolicTensor]) as tf.SymbolicTensor;
}

/** Memoises a function of a symbolic tensor by identity (shared parts run once per input). */
export function perInput<T>(f: (x: tf.SymbolicTensor) => T): (x: tf.SymbolicTensor) => T {
  const seen = new Map<tf.SymbolicTensor, T>();
  return (x) => {
    let v = seen.get(x);
    if (v === undefined) {
      v = f(x);
      seen.set(x, v);
    }
    return v;
  };
}

/**
 * The stages of a built backbone, when it exposes them (`stages: Module[]`, as sequential
 * backbones may); otherwise the whole backbone as one stage.
 */
export function stagesOf(module: Module): readonly Module[] {
  const stages = (module as Module & { stages?: readonly Module[] }).stages;
  return stages && stages.length > 0 ? stages : [module];
}

/** An `expertUnits` option: one positive integer (one layer) or a non-empty list of them. */
export const expertUnitsSchema = z.union([num.count(), z.array(num.count()).min(1).readonly()]);

/** The units list of an `expertUnits` option (validated by `expertUnitsSchema`). */
export function unitsList(value: number | readonly number[] | undefined, dflt: number): number[] {
  const u = value ?? dflt;
  return typeof u === "number" ? [u] : [...u];
}
