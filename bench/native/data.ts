/**
 * The benchmark's data and initial weights, written once to binary files under bench/out/ so
 * PyTorch and every polytask backend train on the same bytes from the same starting point.
 * Data: polytask's `multiMnist` (Sener & Koltun's MultiMNIST, train split, seed 0).
 * Files: `multimnist-<n>.bin` = float32 x[n,28,28,1] | int32 left[n] | int32 right[n];
 * `lenet2-init.bin` = the parameters of `PARAMS` in order, float32, tfjs layout (HWIO, [in,out]).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { multiMnist } from "../../src/data/sources/multi-mnist.js";
import { Random } from "../../src/util/random.js";

/** Two-head LeNet parameters: name, shape (tfjs layout) and fan-in for the init scale. */
export const PARAMS: readonly { name: string; shape: number[]; fanIn: number }[] = [
  { name: "conv1.w", shape: [9, 9, 1, 10], fanIn: 81 },
  { name: "conv1.b", shape: [10], fanIn: 81 },
  { name: "conv2.w", shape: [5, 5, 10, 20], fanIn: 250 },
  { name: "conv2.b", shape: [20], fanIn: 250 },
  { name: "fc.w", shape: [180, 50], fanIn: 180 },
  { name: "fc.b", shape: [50], fanIn: 180 },
  { name: "left.w", shape: [50, 10], fanIn: 50 },
  { name: "left.b", shape: [10], fanIn: 50 },
  { name: "right.w", shape: [50, 10], fanIn: 50 },
  { name: "right.b", shape: [10], fanIn: 50 },
];

export interface BenchData {
  n: number;
  x: Float32Array;
  left: Int32Array;
  right: Int32Array;
  dataFile: string;
  initFile: string;
}

export const OUT_DIR = join(import.meta.dirname, "..", "out");

/** Writes the data and init files if missing (or of another size), then reads them. */
export function benchData(n: number): BenchData {
  mkdirSync(OUT_DIR, { recursive: true });
  const dataFile = join(OUT_DIR, `multimnist-${n}.bin`);
  const initFile = join(OUT_DIR, "lenet2-init.bin");
  if (!existsSync(dataFile)) {
    const d = multiMnist({ split: "train", limit: n, seed: 0 });
    const x = d.left.x as Float32Array;
    const buf = Buffer.concat([
      Buffer.from(x.buffer, x.byteOffset, x.byteLength),
      Buffer.from(Int32Array.from(d.left.y as ArrayLike<number>).buffer),
      Buffer.from(Int32Array.from(d.right.y as ArrayLike<number>).buffer),
    ]);
    writeFileSync(dataFile, buf);
  }
  if (!existsSync(initFile)) {
    // Uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)): PyTorch's default range for these layers.
    const rng = new Random(42);
    const parts = PARAMS.map(({ shape, fanIn }) => {
      const a = new Float32Array(shape.reduce((p, q) => p * q, 1));
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < a.length; i++) a[i] = (rng.next() * 2 - 1) * bound;
      return Buffer.from(a.buffer);
    });
    writeFileSync(initFile, Buffer.concat(parts));
  }
  const bytes = readFileSync(dataFile);
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return {
    n,
    x: new Float32Array(ab, 0, n * 784),
    left: new Int32Array(ab, n * 784 * 4, n),
    right: new Int32Array(ab, n * 785 * 4, n),
    dataFile,
    initFile,
  };
}

/** The initial parameters, in `PARAMS` order. */
export function initParams(initFile: string): Float32Array[] {
  const bytes = readFileSync(initFile);
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let offset = 0;
  return PARAMS.map(({ shape }) => {
    const size = shape.reduce((p, q) => p * q, 1);
    const a = new Float32Array(ab, offset * 4, size);
    offset += size;
    return a;
  });
}
