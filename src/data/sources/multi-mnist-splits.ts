/**
 * `datasets.multiMnistSplits(...)`: MultiMNIST's training, validation and test pairs with a
 * validation part that shares no source image with the training part.
 *
 * Why: a MultiMNIST training set pairs each image with a partner drawn from the whole split, so
 * a validation part cut out of its pairs (`fit({ validationSplit })`, `splitGroup`) still sees
 * its images in training: with 10% held out, about 59% of the validation pairs' left images
 * appear in training pairs (as partners) and about 96% of their right images do (89% as a
 * training pair's labelled left image), which makes the validation accuracy optimistic, most of
 * all for the right digit. Here the training split's source images are partitioned first
 * (seeded) and each part is paired within itself, as `multiMnist` pairs a split.
 */
import { Random } from "../../util/random.js";
import { checkDatasetArgs } from "../args.js";
import {
  type MultiMnistArgs,
  type MultiTaskPair,
  composePairs,
  drawPairs,
  multiMnist,
  multiSetup,
} from "./multi-mnist.js";

export interface MultiMnistSplitsArgs extends Pick<MultiMnistArgs, "variant" | "source" | "seed"> {
  /** Fraction of the training split's source images held out for validation. Defaults to 0.1. */
  validation?: number;
}

export interface MultiMnistSplits {
  train: MultiTaskPair;
  val: MultiTaskPair;
  test: MultiTaskPair;
}

/** A seeded partition of 0..n-1: `val` (round(n * fraction) indices, sorted) and the rest. */
function partition(
  n: number,
  fraction: number,
  random: Random,
): { train: Int32Array; val: Int32Array } {
  const order = random.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const nVal = Math.round(n * fraction);
  return { val: order.slice(0, nVal).sort(), train: order.slice(nVal).sort() };
}

export function multiMnistSplits(args: MultiMnistSplitsArgs = {}): MultiMnistSplits {
  const o = checkDatasetArgs("multiMnistSplits", args);
  const variant = o.variant ?? "sener";
  const source = o.source ?? "mnist";
  const seed = o.seed ?? 0;
  const fraction = o.validation ?? 0.1;
  const { a, b, partners, size, meta } = multiSetup(source, variant, "train");
  const random = new Random(seed);
  const left = partition(a.size, fraction, random);
  const right = b === a ? left : partition(b.size, fraction, random);
  // each part's left images in order, each with partners drawn among the same part's images
  const compose = (l: Int32Array, r: Int32Array, pairSeed: number, part: string) => {
    const p = drawPairs(l.length, r.length, partners, pairSeed);
    const li = p.left.map((k) => l[k]);
    const ri = p.right.map((k) => r[k]);
    return composePairs(a, b, li, ri, size, meta(part));
  };
  return {
    train: compose(left.train, right.train, random.nextUint32(), "train"),
    val: compose(left.val, right.val, random.nextUint32(), "val"),
    test: multiMnist({ split: "test", variant, source, seed }),
  };
}
