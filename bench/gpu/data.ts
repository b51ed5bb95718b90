/**
 * The GPU check's data, small enough to travel to the lent machine: the MultiMNIST images of
 * bench/native (polytask's `multiMnist`, train, seed 0) as bytes (every pixel is k/255), both
 * tasks' labels as bytes, and the LeNet's initial weights (bench/native's, float32).
 * Files in `dir`: `multimnist.u8` = x[n*784] | left[n] | right[n]; `lenet2-init.f32`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PARAMS } from "../native/data.js";

export const DATA_FILE = "multimnist.u8";
export const INIT_FILE = "lenet2-init.f32";

export interface GpuBenchData {
  n: number;
  x: Float32Array;
  left: Int32Array;
  right: Int32Array;
  init: Float32Array[];
}

/** Writes the two files from float images (values k/255) and int labels. */
export function writeGpuData(
  dir: string,
  x: Float32Array,
  left: Int32Array,
  right: Int32Array,
  init: Buffer,
): void {
  const n = left.length;
  const bytes = new Uint8Array(n * 786);
  for (let i = 0; i < n * 784; i++) {
    const v = Math.round((x[i] as number) * 255);
    if (Math.abs(v / 255 - (x[i] as number)) > 1e-6) {
      throw new Error(`pixel ${i} = ${x[i]} is not k/255: the images cannot travel as bytes`);
    }
    bytes[i] = v;
  }
  bytes.set(left, n * 784);
  bytes.set(right, n * 785);
  writeFileSync(join(dir, DATA_FILE), bytes);
  writeFileSync(join(dir, INIT_FILE), init);
}

export function loadGpuData(dir: string): GpuBenchData {
  const bytes = readFileSync(join(dir, DATA_FILE));
  const n = bytes.length / 786;
  if (!Number.isInteger(n)) throw new Error(`${DATA_FILE}: ${bytes.length} bytes is not n*786`);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = (bytes[i] as number) / 255;
  const init = readFileSync(join(dir, INIT_FILE));
  const ab = init.buffer.slice(init.byteOffset, init.byteOffset + init.byteLength);
  let offset = 0;
  const params = PARAMS.map(({ shape }) => {
    const size = shape.reduce((p, q) => p * q, 1);
    const a = new Float32Array(ab, offset * 4, size);
    offset += size;
    return a;
  });
  return {
    n,
    x,
    left: Int32Array.from(bytes.subarray(n * 784, n * 785)),
    right: Int32Array.from(bytes.subarray(n * 785, n * 786)),
    init: params,
  };
}

/** Labels of task k of the K-scaling benchmark: a digit derived from both of a sample's digits. */
export function kscaleLabels(d: GpuBenchData, k: number): Int32Array {
  return Int32Array.from(
    { length: d.n },
    (_, i) => ((d.left[i] as number) * (k + 1) + (d.right[i] as number) * k) % 10,
  );
}
