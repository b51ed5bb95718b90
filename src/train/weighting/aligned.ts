import { type Matrix, symmetricEigen } from "../../util/linalg.js";
/**
 * Aligned-MTL: Senushkin et al., "Independent Component Alignment for Multi-Task Learning",
 * CVPR 2023. The task gradients are replaced by an orthogonal system with equal norms (the
 * smallest singular value of G), which removes conflict and dominance: with `G G^T = V L V^T`,
 * the aligned gradient is `G^T B w`, `B = sqrt(l_min) V L^{-1/2} V^T` on the non-null spectrum.
 */
import {
  type GradientModeArgs,
  defineStrategy,
  gradientSchema,
  needsFor,
  options,
} from "./define.js";
import { gradientInstance } from "./gradients.js";
import type { WeightingStrategy } from "./types.js";

export type AlignedArgs = GradientModeArgs;

export const alignedSchema = gradientSchema({});

/** Aligned-MTL weights (task weights `w` = 1 for every task, as in the paper's experiments). */
export function alignedWeights(gram: Matrix, precision = 2 ** -23): number[] {
  const t = gram.length;
  const { values, vectors } = symmetricEigen(gram);
  // Rank: eigenvalues above the round-off of the Gram matrix (float32 on the device, float64
  // for host rows)
  const tol = Math.max(values[0], 0) * t * precision;
  const rank = values.filter((l) => l > tol).length;
  // every gradient is zero: the update is 0 whatever the weights
  if (rank === 0) return new Array<number>(t).fill(1);
  const sMin = Math.sqrt(values[rank - 1]);
  const alpha = new Array<number>(t).fill(0);
  for (let i = 0; i < t; i++)
    for (let j = 0; j < t; j++) {
      let bij = 0;
      for (let k = 0; k < rank; k++) bij += (vectors[i][k] * vectors[j][k]) / Math.sqrt(values[k]);
      alpha[i] += sMin * bij;
    }
  return alpha;
}

export function aligned(args: AlignedArgs = {}): WeightingStrategy<AlignedArgs> {
  const o = options("aligned", alignedSchema, args);
  const needs = needsFor(o.mode);
  return defineStrategy("aligned", needs, o, () =>
    gradientInstance(needs, {
      solve: async (rows) => alignedWeights(await rows.gram(), rows.precision),
    }),
  );
}
