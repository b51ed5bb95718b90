/**
 * normalize: (x - mean) / std, with a scalar or one value per channel (last axis).
 * `standardizeFrom(dataset)` measures the per-channel mean and std of a dataset's inputs.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import { num, z } from "../../util/schema.js";
import type { Dataset, Transform } from "../types.js";
import { transformOptions } from "./common.js";

export interface NormalizeArgs {
  mean: number | readonly number[];
  std: number | readonly number[];
}

const perChannel = <S extends z.ZodNumber>(n: S) => z.union([n, z.array(n).min(1).readonly()]);
const count = (v: number | readonly number[]) => (typeof v === "number" ? 1 : v.length);

export const normalizeSchema = z
  .strictObject({ mean: perChannel(z.number()), std: perChannel(num.positive()) })
  .refine((o) => count(o.mean) === count(o.std), {
    message: "as many stds as means (a scalar or one per channel each)",
    path: ["std"],
  });

export function normalize(args: NormalizeArgs): Transform {
  transformOptions("normalize", normalizeSchema, args);
  const mean = typeof args.mean === "number" ? [args.mean] : [...args.mean];
  const std = typeof args.std === "number" ? [args.std] : [...args.std];
  return {
    name: "normalize",
    options: { mean: args.mean, std: args.std },
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
