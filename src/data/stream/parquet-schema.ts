/**
 * What a Parquet column holds, as far as training data goes: one number per row (`scalar`), a
 * list of numbers per row (`list`, Parquet's LIST, as pyarrow writes arrays), raw bytes per row
 * (`bytes`: FIXED_LEN_BYTE_ARRAY or unannotated BYTE_ARRAY, polytask's "tensor" encoding of
 * little-endian float32/int32 samples), or text (`string`, for class names). Anything else
 * (structs, maps, nested lists) is not trainable data and is reported by name.
 */
import type { SchemaTree } from "hyparquet";

/** How one value arrives from hyparquet: numbers, BigInt (INT64), booleans or strings. */
export type ValueType = "number" | "bigint" | "boolean" | "string";

export type ColumnKind =
  | { readonly shape: "scalar"; readonly value: ValueType; readonly integer: boolean }
  | { readonly shape: "list"; readonly value: ValueType; readonly integer: boolean }
  | { readonly shape: "bytes"; readonly length?: number }
  | { readonly shape: "unsupported"; readonly why: string };

function leafKind(t: SchemaTree): { value: ValueType; integer: boolean } | { why: string } {
  const e = t.element;
  const logical = e.logical_type?.type;
  switch (e.type) {
    case "INT32":
      if (e.converted_type === "DATE" || logical === "DATE") return { why: "a DATE column" };
      return { value: "number", integer: true };
    case "INT64":
      if (logical === "TIMESTAMP" || e.converted_type?.startsWith("TIMESTAMP"))
        return { why: "a TIMESTAMP column" };
      return { value: "bigint", integer: true };
    case "FLOAT":
    case "DOUBLE":
      return { value: "number", integer: false };
    case "BOOLEAN":
      return { value: "boolean", integer: true };
    case "BYTE_ARRAY":
      if (e.converted_type === "UTF8" || logical === "STRING" || logical === "ENUM")
        return { value: "string", integer: false };
      return { why: "a BYTE_ARRAY column" };
    case "FIXED_LEN_BYTE_ARRAY":
      if (logical === "FLOAT16") return { value: "number", integer: false };
      return { why: "a FIXED_LEN_BYTE_ARRAY column" };
    default:
      return { why: `a ${String(e.type)} column` };
  }
}

/** The kind of the top-level column `t`. */
export function columnKind(t: SchemaTree): ColumnKind {
  const e = t.element;
  if (t.children.length === 0) {
    if (e.repetition_type === "REPEATED") {
      const k = leafKind(t);
      return "why" in k ? { shape: "unsupported", why: k.why } : { shape: "list", ...k };
    }
    if (e.type === "FIXED_LEN_BYTE_ARRAY" && e.logical_type?.type !== "FLOAT16")
      return e.logical_type?.type === "UUID"
        ? { shape: "unsupported", why: "a UUID column" }
        : { shape: "bytes", length: e.type_length };
    if (e.type === "BYTE_ARRAY" && e.converted_type === undefined && e.logical_type === undefined)
      return { shape: "bytes" };
    const k = leafKind(t);
    return "why" in k ? { shape: "unsupported", why: k.why } : { shape: "scalar", ...k };
  }
  // LIST: a group holding one repeated child, itself a leaf or a group of one leaf
  const isList = e.converted_type === "LIST" || e.logical_type?.type === "LIST";
  if (!isList || t.children.length !== 1)
    return { shape: "unsupported", why: "a struct or map column" };
  let inner = t.children[0];
  if (inner.children.length === 1) inner = inner.children[0];
  if (inner.children.length > 0) return { shape: "unsupported", why: "a nested list column" };
  const k = leafKind(inner);
  return "why" in k ? { shape: "unsupported", why: k.why } : { shape: "list", ...k };
}

/** A short description for messages: "list<number>", "bigint", "bytes[3136]". */
export function describeKind(k: ColumnKind): string {
  if (k.shape === "scalar") return k.integer && k.value === "number" ? "int32" : k.value;
  if (k.shape === "list") return `list<${k.integer && k.value === "number" ? "int32" : k.value}>`;
  if (k.shape === "bytes") return k.length ? `bytes[${k.length}]` : "bytes";
  return k.why;
}
