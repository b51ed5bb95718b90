/** Builds an architecture directly (as `Network` does) for the architecture tests. */
import * as tf from "@tensorflow/tfjs";
import type { Architecture, BuiltArchitecture } from "../../../src/model/arch/types.js";
import type { Backbone } from "../../../src/model/backbones/types.js";
import {
  type Module,
  type Param,
  ParamFactory,
  type Part,
  type Shape,
} from "../../../src/model/params.js";
import { Random } from "../../../src/util/random.js";

export async function buildArch(
  arch: Architecture<object>,
  backbone: Backbone,
  inputShape: Shape,
  tasks: readonly string[],
  seed = 1,
): Promise<{ built: BuiltArchitecture; params: Param[] }> {
  const params: Param[] = [];
  let k = 0;
  const factory = (prefix: string, part: Part, opts: { task?: string } = {}) =>
    new ParamFactory(
      prefix,
      part,
      new Random(seed * 1000 + k++),
      opts.task === undefined,
      params,
      opts.task,
    );
  const built = await arch.build({ backbone, inputShape, tasks, factory });
  return { built, params };
}

/** A dense-tanh backbone that exposes its layers as `stages` (two stages). */
export function stagedBackbone(units: readonly number[]): Backbone {
  return {
    kind: "staged",
    config: { units: [...units] },
    build(inputShape: Shape, f: ParamFactory): Module {
      let dim = inputShape[inputShape.length - 1];
      const stages: Module[] = units.map((u, i) => {
        const kernel = f.weight(`dense${i}/kernel`, [dim, u], "glorotUniform");
        dim = u;
        return {
          outputShape: [u],
          apply: (x: tf.Tensor) => tf.tanh(tf.matMul(x as tf.Tensor2D, kernel)),
        };
      });
      return {
        outputShape: [dim],
        apply: (x, ctx) => stages.reduce((h, s) => s.apply(h, ctx), x),
        stages,
      } as Module;
    },
  };
}

/** Full-batch Adam on the sum of two regression tasks' MSE through the architecture. */
export function fitArch(built: BuiltArchitecture, params: Param[], steps: number): number[] {
  const r = new Random(5);
  const n = 32;
  const x = tf.tensor2d(
    Array.from({ length: n * 4 }, () => r.normal()),
    [n, 4],
  );
  const ys = [
    tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([1, -1, 0.5, 0])), 1, true)),
    tf.tidy(() => tf.sum(tf.mul(tf.square(x), tf.tensor1d([0.5, 0, 1, -0.5])), 1, true)),
  ];
  const dim = built.outputShape[0];
  const heads = [0, 1].map((i) =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor2d(
          Array.from({ length: dim }, () => 0.3 * r.normal() + 0.01 * i),
          [dim, 1],
        ),
      ),
    ),
  );
  const vars = [...params.map((p) => p.variable), ...heads];
  const opt = tf.train.adam(0.03);
  const totals: number[] = [];
  const tasks = ["a", "b"];
  for (let s = 0; s < steps; s++) {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const ls = tasks.map((t, i) =>
          tf.losses.meanSquaredError(
            ys[i],
            tf.matMul(built.represent(t, x, { training: true }) as tf.Tensor2D, heads[i]),
          ),
        );
        return tf.addN(ls) as tf.Scalar;
      }, vars);
      totals.push(value.dataSync()[0]);
      opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    });
  }
  opt.dispose();
  heads.forEach((h) => h.dispose());
  x.dispose();
  ys.forEach((y) => y.dispose());
  return totals;
}
