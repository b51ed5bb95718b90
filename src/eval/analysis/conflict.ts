/**
 * Gradient conflict: the pairwise cosine similarity of task gradients on the shared parameters
 * (negative = the tasks pull the shared weights in opposing directions; Yu et al. 2020 call such
 * pairs conflicting). Computed from the Gram matrix, so [T, P] gradients cost one matmul.
 */
import * as tf from "@tensorflow/tfjs";
import { gramMatrix } from "../../util/gram.js";
import { type Matrix, gramOfRows } from "../../util/linalg.js";

/** Cosines from a Gram matrix; a zero-norm (absent) task gives NaN in its row and column. */
export function cosineFromGram(gram: Matrix): number[][] {
  const n = gram.map((row, i) => Math.sqrt(Math.max(row[i], 0)));
  return gram.map((row, i) =>
    row.map((g, j) => {
      if (!(n[i] > 0 && n[j] > 0)) return Number.NaN;
      if (i === j) return 1;
      return Math.max(-1, Math.min(1, g / (n[i] * n[j])));
    }),
  );
}

/**
 * Pairwise cosine similarity [T, T] of task gradients given as a [T, P] tensor (one async read
 * of the Gram matrix) or as rows.
 */
export async function gradientCosine(
  grads: tf.Tensor2D | readonly (readonly number[])[],
): Promise<number[][]> {
  if (grads instanceof tf.Tensor) return cosineFromGram(await gramMatrix(grads));
  return cosineFromGram(gramOfRows(grads));
}

export interface ConflictSummary {
  /** Mean cosine over task pairs (i < j) with a defined cosine. */
  meanCosine: number;
  /** Fraction of those pairs whose cosine is negative. */
  conflictFraction: number;
  /** The most negative pair's cosine. */
  minCosine: number;
}

/** A one-line summary of a cosine matrix, for logs and reports. */
export function summarizeConflict(cos: readonly (readonly number[])[]): ConflictSummary {
  const vals: number[] = [];
  for (let i = 0; i < cos.length; i++)
    for (let j = i + 1; j < cos.length; j++) if (Number.isFinite(cos[i][j])) vals.push(cos[i][j]);
  if (vals.length === 0)
    return { meanCosine: Number.NaN, conflictFraction: Number.NaN, minCosine: Number.NaN };
  return {
    meanCosine: vals.reduce((a, b) => a + b, 0) / vals.length,
    conflictFraction: vals.filter((v) => v < 0).length / vals.length,
    minCosine: Math.min(...vals),
  };
}
