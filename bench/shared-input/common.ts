/**
 * What the shared-input benchmark's processes share: the model (Sener & Koltun's LeNet as a
 * polytask convNet: conv 5x5 10 -> pool -> conv 5x5 20 -> pool -> FC 320x50, "valid" padding,
 * one 10-way head per task), the data (MultiMNIST images labelled for K tasks: the left and right
 * digit, and for K > 2 seeded permutations of them) and the files PyTorch reads (the images, the
 * labels and polytask's initial weights, tfjs layout). The GPU check (bench/gpu) trains the same
 * model on the same data.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pt from "../../src/index.js";

export const OUT_DIR = join(import.meta.dirname, "..", "out", "shared-input");
export const SEED = 7;

export function taskNames(k: number): string[] {
  return Array.from({ length: k }, (_, i) => `t${i}`);
}

/** The K-task LeNet, through the public builder. */
export function lenet(k: number) {
  let m = pt
    .model({ input: [28, 28, 1] })
    .backbone(
      pt.backbones.convNet({ filters: [10, 20], kernelSize: 5, padding: "valid", dense: 50 }),
    ) as ReturnType<typeof pt.model>;
  for (const t of taskNames(k)) m = m.head(t, pt.heads.classifier(10)) as typeof m;
  return m;
}

/** n MultiMNIST images labelled for k tasks (k = 2: left, right; more: seeded permutations). */
export function sharedData(n: number, k: number): { x: Float32Array; labels: Int32Array[] } {
  const m = pt.datasets.multiMnist({ split: "train", limit: n, seed: 0 });
  const base = [m.left.y as Int32Array, m.right.y as Int32Array];
  const r = new pt.Random(11);
  const labels = taskNames(k).map((_, i) => {
    const src = base[i % 2];
    if (i < 2) return Int32Array.from(src);
    const perm = Int32Array.from({ length: 10 }, (_, c) => c);
    r.shuffle(perm);
    return Int32Array.from(src, (c) => perm[c]);
  });
  return { x: m.left.x as Float32Array, labels };
}

/** The group as polytask datasets (one input, k label sets). */
export function sharedGroup(n: number, k: number): Record<string, pt.Dataset> {
  return groupOf(sharedData(n, k));
}

/** Images [n, 28, 28, 1] and label sets as one task group named "shared" (t0, t1, ...). */
export function groupOf(d: { x: Float32Array; labels: Int32Array[] }): Record<string, pt.Dataset> {
  const names = taskNames(d.labels.length);
  return pt.datasets.fromArrays({
    x: d.x,
    y: Object.fromEntries(names.map((t, i) => [t, d.labels[i]])),
    inputShape: [28, 28, 1],
    numClasses: Object.fromEntries(names.map((t) => [t, 10])),
    name: "shared",
  });
}

/**
 * Writes (once) the files the PyTorch baseline reads: `data-<n>-<k>.bin` (float32 x[n,28,28,1],
 * then int32 labels[k][n]) and `init-<k>.json`/`.bin` (polytask's initial weights at SEED, by
 * parameter name, float32, tfjs layout). Returns their paths.
 */
export async function writeFiles(n: number, k: number): Promise<{ data: string; init: string }> {
  mkdirSync(OUT_DIR, { recursive: true });
  const data = join(OUT_DIR, `data-${n}-${k}.bin`);
  const init = join(OUT_DIR, `init-${k}.json`);
  if (!existsSync(data)) {
    const d = sharedData(n, k);
    writeFileSync(
      data,
      Buffer.concat([
        Buffer.from(d.x.buffer, d.x.byteOffset, d.x.byteLength),
        ...d.labels.map((l) => Buffer.from(l.buffer, l.byteOffset, l.byteLength)),
      ]),
    );
  }
  if (!existsSync(init)) await writeInit(init, k);
  return { data, init };
}

/**
 * Writes polytask's initial weights of the K-task LeNet at SEED (what `fit` with `seed: SEED`
 * starts from): `<path>` lists { name, shape, length } in order, `<path minus .json>.bin` holds
 * the values, float32, tfjs layout (HWIO kernels, dense [in, out]).
 */
export async function writeInit(path: string, k: number): Promise<void> {
  const w = await lenet(k).weights(SEED);
  const entries = [...w].map(([name, v]) => ({ name, shape: v.shape, length: v.values.length }));
  writeFileSync(path, JSON.stringify(entries));
  writeFileSync(
    path.replace(/\.json$/, ".bin"),
    Buffer.concat(
      [...w.values()].map((v) =>
        Buffer.from(v.values.buffer, v.values.byteOffset, v.values.byteLength),
      ),
    ),
  );
}

/** Reads a float32 file as a Float32Array. */
export function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}
