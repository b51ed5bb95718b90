/**
 * A run's state as JSON plus one binary blob: every typed array anywhere in the tree (weights,
 * optimizer slots, L2-SP reference, best weights, epoch accumulators) is stored in the blob and
 * referenced from the JSON as `{ "$array": dtype, offset, length }`; `Map`s (weight maps) become
 * `{ "$map": [[key, value], ...] }`; non-finite numbers `{ "$number": "NaN" }`. Decoding checks
 * every reference against the blob and every stored array's values.
 */
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
  /** Where in the state each typed array and map sits (`optimizer.slots.<key>.values`, ...). */
  contents: string[];
}

const child = (path: string, key: string) => (path ? `${path}.${key}` : key);

export function encodeState(state: unknown): EncodedState {
  const parts: Uint8Array[] = [];
  const contents: string[] = [];
  let size = 0;
  const walk = (v: unknown, path: string): unknown => {
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
      contents.push(path);
      return ref;
    }
    if (v instanceof Map) {
      contents.push(path);
      return { $map: [...v].map(([k, x]) => [k, walk(x, `${path}[${k}]`)]) };
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v !== null && typeof v === "object")
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => x !== undefined)
          .map(([k, x]) => [k, walk(x, child(path, k))]),
      );
    if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
    return v;
  };
  const json = JSON.stringify(walk(state, ""));
  const blob = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    blob.set(p, off);
    off += p.byteLength;
  }
  return { json, blob, contents };
}

export interface DecodedState {
  state: unknown;
  /** As `EncodedState.contents`. */
  contents: string[];
}

/**
 * Decodes `encodeState`'s output (`json` already parsed). Every array reference is checked
 * against the blob, every float32 array for NaN and infinite values, and every `{ shape, values }`
 * pair (weights, optimizer slots) for a matching length; `fail` reports the first problem with
 * its place in the state.
 */
export function decodeState(
  json: unknown,
  blob: Uint8Array,
  fail: (problem: string) => never,
): DecodedState {
  const contents: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
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
          fail(
            `${path}: the array reference ${JSON.stringify(o)} points outside the ${blob.byteLength}-byte state.bin`,
          );
        const copy = new Uint8Array(bytes);
        copy.set(blob.subarray(offset, offset + bytes));
        const a = new make(copy.buffer);
        if (a instanceof Float32Array)
          for (let i = 0; i < a.length; i++)
            if (!Number.isFinite(a[i])) fail(`${path} holds ${a[i]} at element ${i}`);
        contents.push(path);
        return a;
      }
      if (Array.isArray(o.$map)) {
        contents.push(path);
        return new Map(
          (o.$map as [string, unknown][]).map(([k, x]) => [k, walk(x, `${path}[${k}]`)]),
        );
      }
      if (typeof o.$number === "string") return Number(o.$number);
      const out = Object.fromEntries(
        Object.entries(o).map(([k, x]) => [k, walk(x, child(path, k))]),
      );
      const { shape, values } = out as { shape?: unknown; values?: unknown };
      if (Array.isArray(shape) && (ArrayBuffer.isView(values) || Array.isArray(values))) {
        const n = shape.reduce((a: number, b: number) => a * b, 1);
        const len = (values as ArrayLike<number>).length;
        if (!shape.every((d) => Number.isInteger(d) && d >= 0) || n !== len)
          fail(`${path} has shape [${shape}] but ${len} values`);
      }
      return out;
    }
    return v;
  };
  return { state: walk(json, ""), contents };
}
