/**
 * Weights on disk: `weights.json` lists `{ name, shape, offset, length }` per parameter (offsets
 * and lengths in float32 elements) and `weights.bin` holds the values back to back. Unpacking
 * checks every entry against the binary file and every value for finiteness.
 */
import type { WeightMap } from "../../model/spec.js";

export interface WeightEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export function packWeights(w: WeightMap): { entries: WeightEntry[]; bin: Uint8Array } {
  const entries: WeightEntry[] = [];
  let total = 0;
  for (const [name, v] of w) {
    entries.push({ name, shape: [...v.shape], offset: total, length: v.values.length });
    total += v.values.length;
  }
  const all = new Float32Array(total);
  let i = 0;
  for (const v of w.values()) all.set(v.values, entries[i++].offset);
  return { entries, bin: new Uint8Array(all.buffer) };
}

export const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

const isShape = (s: unknown): s is number[] =>
  Array.isArray(s) && s.every((d) => Number.isInteger(d) && d >= 0);

/** The first non-finite element of `a`, or -1. */
export function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/**
 * Unpacks `weights.json` + `weights.bin`; `fail(file, problem)` reports the first problem
 * (an entry that is malformed, overlaps the end of the binary file, repeats a name, or holds a
 * NaN or infinite value).
 */
export function unpackWeights(
  manifest: unknown,
  bin: Uint8Array,
  fail: (file: string, problem: string) => never,
): Map<string, { shape: number[]; values: Float32Array }> {
  const entries = (manifest as { entries?: unknown })?.entries;
  if (!Array.isArray(entries)) fail("weights.json", "has no list of entries");
  if (bin.byteLength % 4 !== 0)
    fail("weights.bin", `has ${bin.byteLength} bytes, not a whole number of float32 values`);
  const copy = new Uint8Array(bin.byteLength);
  copy.set(bin);
  const all = new Float32Array(copy.buffer);
  const m = new Map<string, { shape: number[]; values: Float32Array }>();
  let covered = 0;
  for (const [i, e] of (entries as WeightEntry[]).entries()) {
    const where = `entry ${i}${typeof e?.name === "string" ? ` ("${e.name}")` : ""}`;
    if (
      typeof e?.name !== "string" ||
      !isShape(e.shape) ||
      !Number.isInteger(e.offset) ||
      !Number.isInteger(e.length) ||
      e.offset < 0
    )
      fail("weights.json", `${where} is malformed (${JSON.stringify(e)})`);
    if (elements(e.shape) !== e.length)
      fail("weights.json", `${where} has shape [${e.shape}] but ${e.length} values`);
    if (e.offset + e.length > all.length)
      fail(
        "weights.bin",
        `${where} needs values ${e.offset}..${e.offset + e.length} but the file holds ${all.length}`,
      );
    if (m.has(e.name)) fail("weights.json", `${where} repeats the name "${e.name}"`);
    const values = all.slice(e.offset, e.offset + e.length);
    const bad = firstNonFinite(values);
    if (bad >= 0) fail("weights.bin", `weight "${e.name}" holds ${values[bad]} at element ${bad}`);
    m.set(e.name, { shape: e.shape, values });
    covered += e.length;
  }
  if (covered !== all.length)
    fail("weights.bin", `holds ${all.length} values but weights.json lists ${covered}`);
  return m;
}
