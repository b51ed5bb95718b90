/** Shared checks for transforms: image transforms need one [height, width, channels] sample. */
import { ConfigError, show } from "../../errors.js";

export function imageShape(transform: string, shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3)
    throw new ConfigError(
      `Transform "${transform}": needs image samples [height, width, channels], got shape ${show(shape)}.`,
      { field: "inputShape", value: shape, expected: "[height, width, channels]" },
    );
  return [shape[0], shape[1], shape[2]];
}

export function checkNumber(
  transform: string,
  field: string,
  v: unknown,
  ok: (n: number) => boolean,
  expected: string,
): number {
  if (typeof v !== "number" || !Number.isFinite(v) || !ok(v))
    throw new ConfigError(
      `Transform "${transform}": ${field} ${show(v)} is invalid; expected ${expected}.`,
      {
        field,
        value: v,
        expected,
      },
    );
  return v;
}

export function checkSize(transform: string, field: string, v: unknown): [number, number] {
  const ok = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n > 0;
  if (!Array.isArray(v) || v.length !== 2 || !ok(v[0]) || !ok(v[1]))
    throw new ConfigError(
      `Transform "${transform}": ${field} ${show(v)} is invalid; expected [height, width].`,
      {
        field,
        value: v,
        expected: "[height, width] positive integers",
      },
    );
  return [v[0], v[1]];
}
