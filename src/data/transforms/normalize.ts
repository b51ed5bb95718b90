/**
 * normalize: (x - mean) / std, with a scalar or one value per channel (last axis).
 * `standardizeFrom(dataset)` measures the per-channel mean and std of a dataset's inputs.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import type { Dataset, Transform } from "../types.js";

export interface NormalizeArgs {
  mean: number | readonly number[];
  std: number | readonly number[];
}

export function normalize(args: NormalizeArgs): Transform {
  const mean = typeof args?.mean === "number" ? [args.mean] : [...(args?.mean ?? [])];
  const std = typeof args?.std === "number" ? [args.std] : [...(args?.std ?? [])];
  if (
    mean.length === 0 ||
    mean.length !== std.length ||
    mean.some((m) => !Number.isFinite(m)) ||
    std.some((s) => !(s > 0) || !Number.isFinite(s))
  )
    throw new ConfigError(
      `Transform "normalize": mean ${show(args?.mean)} and std ${show(args?.std)} are invalid.`,
      {
        field: "std",
        value: args,
        expected: "finite means and stds > 0, scalars or one per channel",
      },
    );
  return {
    name: "normalize",
    outputShape(shape) {
      if (mean.length > 1 && shape[shape.length - 1] !== mean.length)
        throw new ConfigError(
          `Transform "normalize": ${mean.length} channel means for samples of shape ${show(shape)}.`,
          { field: "mean", value: mean, expected: `${shape[shape.length - 1]} values (last axis)` },
        );
      return [...shape];
    },
    apply: (x) => tf.div(tf.sub(tf.cast(x, "float32"), tf.tensor1d(mean)), tf.tensor1d(std)),
  };
}

/** A normalize transform with the per-channel (last axis) mean and std of `dataset`'s inputs. */
export function standardizeFrom(dataset: Dataset): Transform {
  const c = dataset.inputShape[dataset.inputShape.length - 1] ?? 1;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  const x = dataset.x;
  for (let i = 0; i < x.length; i++) {
    sum[i % c] += x[i];
    sq[i % c] += x[i] * x[i];
  }
  const n = x.length / c;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, k) => Math.sqrt(Math.max(s / n - mean[k] ** 2, 0)) || 1);
  return normalize({ mean, std });
}
