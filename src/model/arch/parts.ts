/**
 * Building blocks shared by multi-task architectures (MMoE, PLE): expert MLPs, per-task softmax
 * gates, gated mixtures, access to a backbone's stages, and the `expertUnits` option.
 */
import * as tf from "@tensorflow/tfjs";
import { num, z } from "../../util/schema.js";
import { chain } from "../backbones/chain.js";
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
  return { outputShape: [experts], apply: (x, ctx) => tf.softmax(lin.apply(x, ctx)) };
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
