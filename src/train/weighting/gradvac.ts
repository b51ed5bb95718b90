import { ConfigError, show } from "../../errors.js";
/**
 * GradVac (Gradient Vaccine): Wang et al., "Gradient Vaccine: Investigating and Improving
 * Multi-task Optimization in Massively Multilingual Models", ICLR 2021. Like PCGrad each task
 * gradient visits the others in random order, but instead of removing conflict it sets an
 * adaptive target cosine: when `cos(g_i', g_j)` falls below the running target `phi_ij` (an
 * exponential moving average of the observed cosines, decay `beta`), g_j is added so that the
 * cosine becomes exactly `phi_ij`; the adjusted gradients are summed. Whole-model granularity,
 * LibMTL's default. State: the T x T targets, kept across steps (and in checkpoints).
 */
import { type Matrix, dot, matVec } from "../../util/linalg.js";
import { z } from "../../util/schema.js";
import {
  type GradientModeArgs,
  defineStrategy,
  gradientSchema,
  needsFor,
  options,
  stateObject,
} from "./define.js";
import { gradientInstance } from "./gradients.js";
import { permutation } from "./pcgrad.js";
import type { WeightingStrategy } from "./types.js";

export interface GradvacArgs extends GradientModeArgs {
  /** EMA decay of the target cosines, in (0, 1]. Defaults to `0.5` (LibMTL). */
  beta?: number;
}

export const gradvacSchema = gradientSchema({ beta: z.number().gt(0).max(1).optional() });

/**
 * One GradVac step as task weights; updates `targets` (T x T, in place). `orders[i]` lists the
 * other tasks in visiting order.
 */
export function gradvacWeights(
  gram: Matrix,
  targets: number[][],
  orders: readonly (readonly number[])[],
  beta: number,
): number[] {
  const t = gram.length;
  const weights = new Array<number>(t).fill(0);
  for (let i = 0; i < t; i++) {
    const c = new Array<number>(t).fill(0);
    c[i] = 1;
    for (const j of orders[i]) {
      if (j === i) continue;
      const nj = Math.sqrt(Math.max(gram[j][j], 0));
      const ni = Math.sqrt(Math.max(dot(c, matVec(gram, c)), 0));
      if (!(nj > 0) || !(ni > 0)) continue;
      const cos =
        dot(
          c,
          gram.map((row) => row[j]),
        ) /
        (ni * nj);
      const phi = targets[i][j];
      if (cos < phi) {
        const k =
          (ni * (phi * Math.sqrt(Math.max(1 - cos * cos, 0)) - cos * Math.sqrt(1 - phi * phi))) /
          (nj * Math.sqrt(1 - phi * phi));
        c[j] += k;
      }
      targets[i][j] = (1 - beta) * phi + beta * cos;
    }
    for (let k = 0; k < t; k++) weights[k] += c[k];
  }
  return weights;
}

export function gradvac(args: GradvacArgs = {}): WeightingStrategy<GradvacArgs> {
  const o = options("gradvac", gradvacSchema, args);
  const beta = o.beta ?? 0.5;
  const needs = needsFor(o.mode);
  return defineStrategy("gradvac", needs, o, (tasks) => {
    const n = tasks.length;
    let targets = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    return gradientInstance(needs, {
      solve: async (rows, _losses, ctx, idx) => {
        const gram = await rows.gram();
        const sub = idx.map((i) => idx.map((j) => targets[i][j]));
        const w = gradvacWeights(
          gram,
          sub,
          gram.map(() => permutation(gram.length, ctx.random)),
          beta,
        );
        idx.forEach((i, a) => {
          idx.forEach((j, b) => {
            targets[i][j] = sub[a][b];
          });
        });
        return w;
      },
      getState: () => ({ targets: targets.map((r) => r.slice()) }),
      setState: (state) => {
        const v = stateObject("gradvac", state).targets;
        if (
          !Array.isArray(v) ||
          v.length !== n ||
          v.some((r) => !Array.isArray(r) || r.length !== n)
        )
          throw new ConfigError(
            `Weighting "gradvac": state field "targets" is ${show(v)}; expected ${n} x ${n} numbers.`,
            {
              field: "targets",
              value: v,
              expected: `${n} x ${n} numbers`,
            },
          );
        targets = (v as number[][]).map((r) => r.map(Number));
      },
    });
  });
}
