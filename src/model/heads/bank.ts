/**
 * Head banks: the single-layer heads of a task group that read one shared representation and
 * have one shape (same kind, same units, no hidden layers) are stored as one kernel [D, K*U] and
 * one bias [K*U]. The group's K heads are then one matmul forward, one in the backward pass and
 * one optimizer update, instead of K of each (K = 32 separate heads cost several times the banked
 * ones). Weights keep their per-task names outside the network: `Network.snapshot` splits a bank
 * into `head/<task>/out/kernel` and `.../bias`, `Network.load` assembles it, so checkpoints,
 * exports and adding a task see ordinary heads.
 */
import * as tf from "@tensorflow/tfjs";
import type { Param } from "../params.js";
import type { Head } from "./types.js";

export interface HeadBank {
  /** Member tasks, in bank (column) order. */
  readonly tasks: readonly string[];
  /** The members' head (they share kind and config). */
  readonly head: Head;
  /** Representation width D and units per task U. */
  readonly dim: number;
  readonly units: number;
  /** The bank's parameters: kernel [D, K*U], bias [K*U]. */
  readonly kernel: Param;
  readonly bias: Param;
  /** The members' logical parameters (their names, shapes, part and task). */
  readonly members: readonly { task: string; kernel: Param; bias: Param }[];
  /** Raw outputs of every member, [B, K*U] (columns k*U..(k+1)*U are task k's). */
  logits(z: tf.Tensor): tf.Tensor2D;
  /** Raw outputs of member `index` alone, [B, U]. */
  memberLogits(index: number, z: tf.Tensor): tf.Tensor2D;
}

/** A head's parameters when it is one dense layer on a vector representation, else undefined. */
export function denseHeadParams(
  params: readonly Param[],
  task: string,
): { kernel: Param; bias: Param } | undefined {
  const own = params.filter((p) => p.part === `head:${task}`);
  const kernel = own.find((p) => p.name === `head/${task}/out/kernel`);
  const bias = own.find((p) => p.name === `head/${task}/out/bias`);
  if (own.length !== 2 || !kernel || !bias || kernel.variable.rank !== 2) return undefined;
  return { kernel, bias };
}

/**
 * Builds a bank from member heads (their variables are disposed and replaced by the bank's).
 * Initial values are the members' own (seeded per head), so banking changes no number.
 */
export function makeBank(
  head: Head,
  members: readonly { task: string; kernel: Param; bias: Param }[],
): HeadBank {
  const [dim, units] = members[0].kernel.variable.shape as [number, number];
  const tasks = members.map((m) => m.task);
  const kernelVar = tf.tidy(() =>
    tf.variable(
      tf.concat(
        members.map((m) => m.kernel.variable),
        1,
      ),
      members[0].kernel.trainable,
    ),
  );
  const biasVar = tf.tidy(() =>
    tf.variable(tf.concat(members.map((m) => m.bias.variable)), members[0].bias.trainable),
  );
  for (const m of members) {
    m.kernel.variable.dispose();
    m.bias.variable.dispose();
  }
  const name = `head/${tasks.join("+")}/bank`;
  const part = `head:${tasks.join("+")}` as const;
  const common = { part, shared: false, tasks } as const;
  const kernel: Param = {
    ...common,
    name: `${name}/kernel`,
    variable: kernelVar,
    trainable: members[0].kernel.trainable,
    regularizable: members[0].kernel.regularizable,
  };
  const bias: Param = {
    ...common,
    name: `${name}/bias`,
    variable: biasVar,
    trainable: members[0].bias.trainable,
    regularizable: members[0].bias.regularizable,
  };
  const flat = (z: tf.Tensor) =>
    z.rank === 2 ? (z as tf.Tensor2D) : (z.reshape([-1, dim]) as tf.Tensor2D);
  return {
    tasks,
    head,
    dim,
    units,
    kernel,
    bias,
    members,
    logits: (z) =>
      tf.fused.matMul({
        a: flat(z),
        b: kernelVar as tf.Tensor2D,
        bias: biasVar,
        activation: "linear",
      }) as tf.Tensor2D,
    memberLogits: (i, z) =>
      tf.fused.matMul({
        a: flat(z),
        b: kernelVar.slice([0, i * units], [dim, units]) as tf.Tensor2D,
        bias: biasVar.slice([i * units], [units]),
        activation: "linear",
      }) as tf.Tensor2D,
  };
}

/** The members' values from the bank's: kernel columns and bias slices, by logical name. */
export function splitBank(
  bank: HeadBank,
  kernel: Float32Array,
  bias: Float32Array,
): [string, { shape: number[]; values: Float32Array }][] {
  const { dim, units } = bank;
  const k = bank.tasks.length;
  return bank.members.flatMap((m, i) => {
    const kv = new Float32Array(dim * units);
    for (let d = 0; d < dim; d++)
      kv.set(
        kernel.subarray(d * k * units + i * units, d * k * units + (i + 1) * units),
        d * units,
      );
    return [
      [m.kernel.name, { shape: [dim, units], values: kv }],
      [m.bias.name, { shape: [units], values: bias.slice(i * units, (i + 1) * units) }],
    ] as [string, { shape: number[]; values: Float32Array }][];
  });
}

/** The bank's kernel and bias from the members' values (undefined when one is missing). */
export function joinBank(
  bank: HeadBank,
  get: (name: string) => Float32Array | undefined,
): { kernel: Float32Array; bias: Float32Array } | undefined {
  const { dim, units } = bank;
  const k = bank.tasks.length;
  const kernel = new Float32Array(dim * k * units);
  const bias = new Float32Array(k * units);
  for (const [i, m] of bank.members.entries()) {
    const kv = get(m.kernel.name);
    const bv = get(m.bias.name);
    if (!kv || !bv) return undefined;
    for (let d = 0; d < dim; d++)
      kernel.set(kv.subarray(d * units, (d + 1) * units), d * k * units + i * units);
    bias.set(bv, i * units);
  }
  return { kernel, bias };
}
