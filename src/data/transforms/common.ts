/**
 * Shared pieces of transforms: option validation through each transform's schema, and the
 * image check (image transforms need one [height, width, channels] sample).
 */
import { ConfigError, show } from "../../errors.js";
import { num, parseOptions, z } from "../../util/schema.js";

export function imageShape(transform: string, shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3)
    throw new ConfigError(
      `Transform "${transform}": needs image samples [height, width, channels], got shape ${show(shape)}.`,
      { field: "inputShape", value: shape, expected: "[height, width, channels]" },
    );
  return [shape[0], shape[1], shape[2]];
}

/** A [height, width] option of positive integers. */
export const size2 = z.tuple([num.count(), num.count()]).readonly();

/**
 * Validates a transform's options (its positional arguments by name) through its schema, the
 * one the transform registry holds: `transform "randomShift": option "maxPixels": expected ...`.
 */
export function transformOptions<S extends z.ZodType>(
  transform: string,
  schema: S,
  args: unknown,
): z.output<S> {
  return parseOptions(schema, args, { where: `transform "${transform}"` });
}
