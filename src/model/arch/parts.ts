/**
 * Building blocks shared by multi-task architectures (MMoE now; PLE and MTAN next): expert
 * MLPs, per-task softmax gates, gated mixtures, and access to a backbone's stages.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
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

/** Validates a positive integer option. */
export function positiveInt(arch: string, field: string, value: unknown, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
    throw new ConfigError(
      `Architecture "${arch}": option "${field}" is ${show(value)}; expected a positive integer.`,
      { field, value, expected: "an integer >= 1" },
    );
  return value;
}

/** Validates a units option (one positive integer or a non-empty list of them); defaults to `dflt`. */
export function unitsList(
  arch: string,
  field: string,
  value: number | readonly number[] | undefined,
  dflt: number,
): number[] {
  const u = value ?? dflt;
  const units = typeof u === "number" ? [u] : [...u];
  if (units.length === 0 || units.some((x) => !Number.isInteger(x) || x < 1))
    throw new ConfigError(
      `Architecture "${arch}": option "${field}" is ${show(u)}; expected a positive integer or a non-empty list of them.`,
      { field, value: u, expected: "a positive integer or list of them" },
    );
  return units;
}
