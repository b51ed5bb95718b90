/** Typed arrays as base64 strings, for JSON states (little-endian, as every supported platform). */

export function encodeArray(a: Float32Array | Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

export function decodeArray<A extends Float32Array | Int32Array>(
  s: string,
  make: { new (buffer: ArrayBuffer): A },
): A {
  const b = Buffer.from(s, "base64");
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return new make(copy);
}
