/**
 * The GPU check's data, small enough to travel to the lent machine: the shared-input benchmark's
 * MultiMNIST images and label sets (bench/shared-input/common.ts `sharedData`: t0/t1 = the left
 * and right digit, t2... seeded permutations of them) as bytes (every pixel is k/255, every label
 * < 10), and polytask's initial weights of the K-task LeNet at the benchmark's seed for each K
 * the check trains (what `fit` starts from; PyTorch loads them).
 * Files in `dir`: `multimnist.u8` = x[n*784] | labels[kmax][n]; `data.json` = { n, kmax, ks };
 * `init-<K>.json` + `.bin` (bench/shared-input/common.ts `writeInit`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sharedData, writeInit } from "../shared-input/common.js";

export const DATA_FILE = "multimnist.u8";
export const META_FILE = "data.json";
export const initFile = (k: number) => `init-${k}.json`;

export interface GpuBenchData {
  n: number;
  x: Float32Array;
  /** One label set per task, `labels.length` = the largest K prepared. */
  labels: Int32Array[];
}

/** Writes the data file (n samples, max(ks) label sets) and an init file per K. */
export async function writeGpuData(dir: string, n: number, ks: number[]): Promise<void> {
  const kmax = Math.max(...ks);
  const d = sharedData(n, kmax);
  const bytes = new Uint8Array(n * (784 + kmax));
  for (let i = 0; i < n * 784; i++) {
    const v = Math.round((d.x[i] as number) * 255);
    if (Math.abs(v / 255 - (d.x[i] as number)) > 1e-6) {
      throw new Error(`pixel ${i} = ${d.x[i]} is not k/255: the images cannot travel as bytes`);
    }
    bytes[i] = v;
  }
  d.labels.forEach((l, t) => bytes.set(l, n * (784 + t)));
  writeFileSync(join(dir, DATA_FILE), bytes);
  writeFileSync(join(dir, META_FILE), JSON.stringify({ n, kmax, ks }));
  for (const k of ks) await writeInit(join(dir, initFile(k)), k);
}

/** Reads the data file (its sizes from `data.json`). */
export function loadGpuData(dir: string): GpuBenchData {
  const { n, kmax } = JSON.parse(readFileSync(join(dir, META_FILE), "utf8")) as {
    n: number;
    kmax: number;
  };
  const bytes = readFileSync(join(dir, DATA_FILE));
  if (bytes.length !== n * (784 + kmax)) {
    throw new Error(
      `${DATA_FILE}: ${bytes.length} bytes, expected n*(784+kmax) = ${n * (784 + kmax)}`,
    );
  }
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = (bytes[i] as number) / 255;
  const labels = Array.from({ length: kmax }, (_, t) =>
    Int32Array.from(bytes.subarray(n * (784 + t), n * (785 + t))),
  );
  return { n, x, labels };
}
