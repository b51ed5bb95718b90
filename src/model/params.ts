/**
 * Parameters and the context a module is built and run with. Every weight is a `tf.Variable`
 * with a stable logical name (`backbone/conv0/kernel`), a part (`backbone`, `head:<task>`,
 * `adapter:<task>`, `arch`), and a seeded initial value drawn from polytask's own RNG so that a
 * seed gives bit-identical weights on every backend.
 */
import * as tf from "@tensorflow/tfjs";
import type { Random } from "../util/random.js";

export type Shape = readonly number[];

/** Which part of the model a parameter belongs to. */
export type Part = "backbone" | "arch" | `head:${string}` | `adapter:${string}`;

export interface Param {
  /** Logical name, unique within a model, e.g. "backbone/dense0/kernel". */
  readonly name: string;
  readonly part: Part;
  readonly variable: tf.Variable;
  /** false for state such as batch-norm moving statistics (never gets a gradient). */
  readonly trainable: boolean;
  /** true for kernels and embeddings (what L1/L2 act on); false for biases and norms. */
  readonly regularizable: boolean;
  /** Shared by every task (backbone, shared architecture parts). */
  readonly shared: boolean;
  /** The task a task-specific parameter belongs to (heads, adapters, gates). */
  readonly task?: string;
  /** The tasks of a head bank (one parameter holding several tasks' heads, heads/bank.ts). */
  readonly tasks?: readonly string[];
}

export type Init = "glorotUniform" | "heNormal" | "zeros" | "ones" | "embedding";

function fanInOut(shape: Shape): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  if (shape.length === 4) {
    const rf = shape[0] * shape[1];
    return [rf * shape[2], rf * shape[3]];
  }
  const n = shape.reduce((a, b) => a * b, 1);
  return [n, n];
}

/** Draws an initial value with polytask's seeded RNG (backend independent). */
export function initValues(shape: Shape, init: Init, random: Random): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const [fanIn, fanOut] = fanInOut(shape);
  if (init === "ones") out.fill(1);
  else if (init === "glorotUniform") {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < n; i++) out[i] = (random.next() * 2 - 1) * limit;
  } else if (init === "heNormal") {
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < n; i++) out[i] = random.normal() * std;
  } else if (init === "embedding") {
    for (let i = 0; i < n; i++) out[i] = (random.next() * 2 - 1) * 0.05;
  }
  return out;
}

/** Creates and records the parameters of one model part while it is built. */
export class ParamFactory {
  constructor(
    readonly prefix: string,
    readonly part: Part,
    readonly random: Random,
    readonly shared: boolean,
    readonly params: Param[] = [],
    readonly task?: string,
  ) {}

  /** A child factory whose names are prefixed by `scope/`; it records into the same list. */
  scope(scope: string): ParamFactory {
    return new ParamFactory(
      `${this.prefix}/${scope}`,
      this.part,
      this.random,
      this.shared,
      this.params,
      this.task,
    );
  }

  weight(
    name: string,
    shape: Shape,
    init: Init,
    opts: { trainable?: boolean; regularizable?: boolean } = {},
  ): tf.Variable {
    const trainable = opts.trainable ?? true;
    const values = initValues(shape, init, this.random);
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape as number[]), trainable));
    this.adopt(name, variable, {
      trainable,
      regularizable: opts.regularizable ?? (trainable && shape.length >= 2),
    });
    return variable;
  }

  /** Records an existing variable (e.g. from a loaded LayersModel) as a parameter. */
  adopt(
    name: string,
    variable: tf.Variable,
    opts: { trainable: boolean; regularizable: boolean },
  ): void {
    this.params.push({
      name: `${this.prefix}/${name}`,
      part: this.part,
      variable,
      trainable: opts.trainable,
      regularizable: opts.regularizable,
      shared: this.shared,
      task: this.task,
    });
  }
}

/** What a forward pass needs besides its input. */
export interface ForwardContext {
  /** Training mode: dropout on, batch norm uses batch statistics and updates moving ones. */
  readonly training: boolean;
  /** Seeded source of dropout masks (training only). */
  readonly random?: Random;
  /** When false, batch norm does not update its moving statistics (a second, look-ahead pass). */
  readonly updateStats?: boolean;
}

/**
 * A module's inference-mode equivalent in tf.layers: applies layers made once (by `toLayers`)
 * to a symbolic tensor, so applying it twice shares their weights.
 */
export type LayerFn = (x: tf.SymbolicTensor) => tf.SymbolicTensor;

/** A built module: a pure function of its input and parameters. */
export interface Module {
  readonly outputShape: Shape;
  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor;
  /**
   * Makes the tf.layers that compute `apply` in inference mode, holding the parameters' current
   * values (for export; see src/model/export/). Absent: the module cannot be exported.
   */
  toLayers?(): LayerFn;
}

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}
