/**
 * A run's state as JSON plus one binary blob: every typed array anywhere in the tree (weights,
 * optimizer slots, L2-SP reference, best weights, epoch accumulators) is stored in the blob and
 * referenced from the JSON as `{ "$array": dtype, offset, length }`; `Map`s (weight maps) become
 * `{ "$map": [[key, value], ...] }`. Decoding checks every reference against the blob.
 */
import { ConfigError } from "../errors.js";

type Ctor = Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;
const DTYPES: Record<string, Ctor> = {
  float32: Float32Array,
  int32: Int32Array,
  uint8: Uint8Array,
};

function dtypeOf(a: ArrayBufferView): string | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint8Array) return "uint8";
  return undefined;
}

export interface EncodedState {
  json: string;
  blob: Uint8Array;
}

export function encodeState(state: unknown): EncodedState {
  const parts: Uint8Array[] = [];
  let size = 0;
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      const dtype = dtypeOf(v);
      if (!dtype) throw new Error(`internal: cannot store a ${v.constructor.name} in a checkpoint`);
      const pad = (4 - (size % 4)) % 4; // 4-byte alignment for float32/int32 views
      if (pad) {
        parts.push(new Uint8Array(pad));
        size += pad;
      }
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      parts.push(bytes);
      const ref = { $array: dtype, offset: size, length: (v as Float32Array).length };
      size += bytes.byteLength;
      return ref;
    }
    if (v instanceof Map) return { $map: [...v].map(([k, x]) => [k, walk(x)]) };
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => x !== undefined)
          .map(([k, x]) => [k, walk(x)]),
      );
    if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
    return v;
  };
  const json = JSON.stringify(walk(state));
  const blob = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    blob.set(p, off);
    off += p.byteLength;
  }
  return { json, blob };
}

/** Decodes `encodeState`'s output; `where` names the checkpoint file in errors. */
export function decodeState(json: string, blob: Uint8Array, where: string): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.$array === "string") {
        const make = DTYPES[o.$array];
        const offset = o.offset as number;
        const length = o.length as number;
        const bytes = make ? length * make.BYTES_PER_ELEMENT : Number.NaN;
        if (
          !make ||
          !Number.isInteger(offset) ||
          !Number.isInteger(length) ||
          offset < 0 ||
          offset + bytes > blob.byteLength
        )
          throw new ConfigError(
            `${where}: an array reference (${JSON.stringify(o)}) points outside the ${blob.byteLength}-byte binary file.`,
            { field: where, value: o, expected: "a reference inside the binary file" },
          );
        const copy = new Uint8Array(bytes);
        copy.set(blob.subarray(offset, offset + bytes));
        return new make(copy.buffer);
      }
      if (Array.isArray(o.$map))
        return new Map((o.$map as [string, unknown][]).map(([k, x]) => [k, walk(x)]));
      if (typeof o.$number === "string") return Number(o.$number);
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(JSON.parse(json));
}
