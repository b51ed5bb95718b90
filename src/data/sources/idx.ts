/**
 * IDX files (the MNIST format): a big-endian header (0, 0, type 0x08 = unsigned byte, rank)
 * followed by one uint32 per dimension, then the bytes. `datasets.fromIdx(images, labels)`
 * builds a class dataset from an image file (rank 3) and a label file (rank 1).
 */
import { DataError, show } from "../../errors.js";
import { checkDatasetArgs } from "../args.js";
import type { Dataset } from "../types.js";
import { dataFail } from "../validate.js";
import { readBytes } from "./files.js";
import { type RawImages, pickIndices, toImageDataset } from "./images.js";

export interface Idx {
  dims: number[];
  data: Uint8Array;
}

/** Parses IDX bytes of unsigned-byte type, checking the magic number, rank and length. */
export function parseIdx(bytes: Uint8Array, dataset: string, field: string, rank?: number): Idx {
  if (bytes.length < 4)
    dataFail(dataset, field, `is ${bytes.length} bytes long, too short for an IDX header`, {
      value: bytes.length,
      expected: "at least 4 header bytes",
    });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const r = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || (rank !== undefined && r !== rank))
    dataFail(dataset, field, `has IDX magic number 0x${magic.toString(16).padStart(8, "0")}`, {
      value: magic,
      expected: `0x0000080${rank ?? "n"} (unsigned bytes, rank ${rank ?? "n"})`,
    });
  const header = 4 + 4 * r;
  if (bytes.length < header)
    dataFail(dataset, field, `is truncated inside its header (${bytes.length} bytes)`, {
      value: bytes.length,
      expected: `at least ${header} bytes`,
    });
  const dims: number[] = [];
  for (let i = 0; i < r; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const n = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + n)
    dataFail(
      dataset,
      field,
      `has ${bytes.length - header} data bytes for dimensions ${show(dims)}`,
      {
        value: bytes.length - header,
        expected: `${n} bytes${bytes.length < header + n ? " (the file is truncated)" : ""}`,
      },
    );
  return { dims, data: bytes.subarray(header) };
}

/** Reads an image IDX file and a label IDX file into raw bytes, checking they agree. */
export function readIdxPair(
  images: string | Uint8Array,
  labels: string | Uint8Array,
  dataset: string,
): RawImages {
  const ib = typeof images === "string" ? readBytes(dataset, "images", images) : images;
  const lb = typeof labels === "string" ? readBytes(dataset, "labels", labels) : labels;
  const im = parseIdx(ib, dataset, "images", 3);
  const lab = parseIdx(lb, dataset, "labels", 1);
  if (im.dims[0] !== lab.dims[0])
    throw new DataError(
      `Dataset "${dataset}": the image file holds ${im.dims[0]} images but the label file ${lab.dims[0]} labels.`,
      {
        task: dataset,
        field: "labels",
        value: lab.dims[0],
        expected: `${im.dims[0]} labels, one per image`,
      },
    );
  return {
    images: im.data,
    labels: lab.data,
    size: im.dims[0],
    rows: im.dims[1],
    cols: im.dims[2],
  };
}

export interface FromIdxArgs {
  /** Used in error messages. Defaults to "idx". */
  name?: string;
  /** Classes. Defaults to the largest label + 1. */
  numClasses?: number;
  classNames?: readonly string[];
  /** Keep only this many samples (the first ones, or a seeded random subset with `seed`). */
  limit?: number;
  seed?: number;
}

/** A class dataset [rows, cols, 1] in [0, 1] from IDX image and label files (paths or bytes). */
export function fromIdx(
  images: string | Uint8Array,
  labels: string | Uint8Array,
  args: FromIdxArgs = {},
): Dataset {
  checkDatasetArgs("fromIdx", args);
  const name = args.name ?? "idx";
  const raw = readIdxPair(images, labels, name);
  let max = 0;
  for (let i = 0; i < raw.size; i++) if (raw.labels[i] > max) max = raw.labels[i];
  const numClasses = args.numClasses ?? max + 1;
  for (let i = 0; i < raw.size; i++)
    if (raw.labels[i] >= numClasses)
      dataFail(name, "label", `is outside 0..${numClasses - 1}`, {
        subject: `label ${raw.labels[i]}`,
        index: i,
        value: raw.labels[i],
        expected: `a class index in 0..${numClasses - 1}`,
      });
  return toImageDataset(raw, pickIndices(name, raw.size, args.limit, args.seed), {
    name,
    numClasses,
    classNames: args.classNames,
  });
}
