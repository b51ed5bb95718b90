/**
 * `datasets.multiMnist(...)`: the two-task MultiMNIST benchmark built as Sener & Koltun (2018,
 * "Multi-Task Learning as Multi-Objective Optimization") build it: each image (the left one)
 * is paired with a partner drawn uniformly at random from the same split; on a 36x36 canvas
 * the left image fills [0:28, 0:28], the partner [6:34, 6:34], overlapping pixels take the
 * maximum, and the canvas is resized to 28x28 by nearest neighbour (PIL's NEAREST: source
 * pixel floor((i + 0.5) * 36 / 28)). Tasks: `left` (the left image's class) and `right` (the
 * partner's). 60,000 train / 10,000 test, seeded by `seed` (default 0).
 *
 * Variants: `variant: "pareto"` is Pareto-MTL's (Lin et al. 2019): two distinct partners per
 * image and no resize, 36x36, 120,000 / 20,000. `source: "fashion"` builds MultiFashion and
 * `"fashion+mnist"` Multi-(Fashion+MNIST) (an MNIST digit on the left, a Fashion-MNIST item on
 * the right). Both tasks' datasets share one input array.
 */
import { Random } from "../../util/random.js";
import { checkDatasetArgs } from "../args.js";
import { makeGroup } from "../group.js";
import type { Dataset } from "../types.js";
import { FASHION_CLASSES, rawFashion } from "./fashion.js";
import { type RawImages, pickIndices, toFloat } from "./images.js";
import { DIGITS, type ImageSetArgs, checkSplit, rawMnist } from "./mnist.js";

export interface MultiMnistArgs extends ImageSetArgs {
  /** "sener" (default): 28x28, one partner. "pareto": 36x36, two partners per image. */
  variant?: "sener" | "pareto";
  /** "mnist" (default), "fashion" (MultiFashion), "fashion+mnist" (digit left, item right). */
  source?: "mnist" | "fashion" | "fashion+mnist";
}

/** The left and right digit of each image: one task group (one input, two label sets). */
export interface MultiTaskPair {
  left: Dataset;
  right: Dataset;
  /** For sample k: the source indices of its left and right images (not enumerable). */
  readonly pairs: { left: Int32Array; right: Int32Array };
}

const CANVAS = 36;

/** For each 28x28 output pixel, its nearest canvas pixel (PIL NEAREST: floor((i + 0.5) * 36 / 28)). */
const NEAREST = Int32Array.from({ length: 28 * 28 }, (_, k) => {
  const r = Math.floor(((Math.floor(k / 28) + 0.5) * CANVAS) / 28);
  const c = Math.floor((((k % 28) + 0.5) * CANVAS) / 28);
  return r * CANVAS + c;
});
const canvas = new Uint8Array(CANVAS * CANVAS);
const small = new Uint8Array(28 * 28);

/** Writes the composed image of `a` (left) and `b` (right), both 28x28 bytes, into `out`. */
export function composeMulti(
  a: Uint8Array,
  b: Uint8Array,
  size: 28 | 36,
  out: Float32Array,
  offset: number,
): void {
  canvas.fill(0);
  for (let r = 0; r < 28; r++) canvas.set(a.subarray(r * 28, r * 28 + 28), r * CANVAS);
  for (let r = 0; r < 28; r++) {
    const base = (r + 6) * CANVAS + 6;
    for (let c = 0; c < 28; c++) {
      const v = b[r * 28 + c];
      if (v > canvas[base + c]) canvas[base + c] = v;
    }
  }
  if (size === 36) {
    toFloat(canvas, out, offset);
    return;
  }
  for (let k = 0; k < 28 * 28; k++) small[k] = canvas[NEAREST[k]];
  toFloat(small, out, offset);
}

/** Builds the two tasks from explicit pairs (source indices into `a` and `b`). */
export function composePairs(
  a: RawImages,
  b: RawImages,
  leftIdx: Int32Array,
  rightIdx: Int32Array,
  size: 28 | 36,
  meta: { name: string; leftClasses: readonly string[]; rightClasses: readonly string[] },
): MultiTaskPair {
  const n = leftIdx.length;
  const per = size * size;
  const x = new Float32Array(n * per);
  const yl = new Int32Array(n);
  const yr = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = leftIdx[k];
    const j = rightIdx[k];
    composeMulti(
      a.images.subarray(i * 784, (i + 1) * 784),
      b.images.subarray(j * 784, (j + 1) * 784),
      size,
      x,
      k * per,
    );
    yl[k] = a.labels[i];
    yr[k] = b.labels[j];
  }
  const base = {
    size: n,
    inputShape: [size, size, 1],
    inputDtype: "float32" as const,
    x,
    labelKind: "class" as const,
    labelSize: 1,
    numClasses: 10,
  };
  const group = makeGroup(["left", "right"], n);
  const out = {
    left: { ...base, name: `${meta.name}/left`, y: yl, classNames: [...meta.leftClasses], group },
    right: {
      ...base,
      name: `${meta.name}/right`,
      y: yr,
      classNames: [...meta.rightClasses],
      group,
    },
  } as unknown as MultiTaskPair;
  // not enumerable, so that `fit({ ...train })` sees the two tasks only
  Object.defineProperty(out, "pairs", { value: { left: leftIdx, right: rightIdx } });
  return out;
}

/** Sener & Koltun's pairing: for each left image i, `partners` distinct uniform partners. */
export function drawPairs(
  nLeft: number,
  nRight: number,
  partners: number,
  seed: number,
): { left: Int32Array; right: Int32Array } {
  const random = new Random(seed);
  const left = new Int32Array(nLeft * partners);
  const right = new Int32Array(nLeft * partners);
  for (let i = 0; i < nLeft; i++)
    for (let p = 0; p < partners; p++) {
      let j = random.int(nRight);
      while (right.subarray(i * partners, i * partners + p).includes(j)) j = random.int(nRight);
      left[i * partners + p] = i;
      right[i * partners + p] = j;
    }
  return { left, right };
}

/** A variant's source images, pairing and names: what multiMnist and multiMnistSplits share. */
export function multiSetup(
  source: NonNullable<MultiMnistArgs["source"]>,
  variant: NonNullable<MultiMnistArgs["variant"]>,
  split: "train" | "test",
) {
  const a = source === "fashion" ? rawFashion(split) : rawMnist(split);
  const b = source === "mnist" ? a : rawFashion(split);
  const prefix = {
    mnist: "multiMnist",
    fashion: "multiFashion",
    "fashion+mnist": "multiFashionMnist",
  }[source];
  return {
    a,
    b,
    partners: variant === "pareto" ? 2 : 1,
    size: (variant === "pareto" ? 36 : 28) as 28 | 36,
    /** The names and class names of a part ("train", "test", "val"). */
    meta: (part: string) => ({
      name: `${prefix}${variant === "pareto" ? "36" : ""}/${part}`,
      leftClasses: source === "fashion" ? FASHION_CLASSES : DIGITS,
      rightClasses: source === "mnist" ? DIGITS : FASHION_CLASSES,
    }),
  };
}

export function multiMnist(args: MultiMnistArgs = {}): MultiTaskPair {
  checkDatasetArgs("multiMnist", args);
  const split = checkSplit("multiMnist", args.split);
  const { a, b, partners, size, meta } = multiSetup(
    args.source ?? "mnist",
    args.variant ?? "sener",
    split,
  );
  const m = meta(split);
  const all = drawPairs(a.size, b.size, partners, args.seed ?? 0);
  const keep = pickIndices(m.name, all.left.length, args.limit);
  return composePairs(
    a,
    b,
    all.left.slice(0, keep.length),
    all.right.slice(0, keep.length),
    size,
    m,
  );
}
