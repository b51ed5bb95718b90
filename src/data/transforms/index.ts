/**
 * The transforms namespace and registry. Each entry carries the schema of the transform's
 * options, named after its positional arguments (`randomShift(maxPixels, fill)` has
 * `{ maxPixels, fill }`), so `transforms.create(name, ...args)`, a JSON config's
 * `{ name: "randomShift", maxPixels: 2 }` (`transformRegistry.resolve`) and the factories all
 * go through the same checks.
 */
import { ConfigError, show } from "../../errors.js";
import { Registry } from "../../util/registry.js";
import type { z } from "../../util/schema.js";
import type { Transform } from "../types.js";
import { randomRotation, randomRotationSchema, randomShift, randomShiftSchema } from "./affine.js";
import { channels, channelsSchema } from "./channels.js";
import { cutout, cutoutSchema } from "./cutout.js";
import { randomFlip, randomFlipSchema } from "./flip.js";
import { gaussianNoise, gaussianNoiseSchema } from "./noise.js";
import { normalize, normalizeSchema, standardizeFrom } from "./normalize.js";
import { centerCrop, centerCropSchema, pad, padSchema } from "./pad-crop.js";
import { randomCrop, randomCropSchema } from "./random-crop.js";
import { resize, resizeSchema } from "./resize.js";
import { truncatePad, truncatePadSchema } from "./text.js";
import { withTransforms } from "./with-transforms.js";

export type { FlipArgs } from "./flip.js";
export type { NormalizeArgs } from "./normalize.js";
export { withTransforms };

export const transformRegistry = new Registry<Transform>("transform");

/** Positional argument names per transform; none: the factory takes one options object. */
const positional = new Map<string, readonly string[]>();

function add<S extends z.ZodType>(
  name: string,
  schema: S,
  args: readonly string[],
  create: (o: z.output<S>) => Transform,
): void {
  transformRegistry.register({ name, schema, create });
  positional.set(name, args);
}

add("normalize", normalizeSchema, [], (o) => normalize(o));
add("resize", resizeSchema, ["size", "method"], (o) => resize(o.size, o.method));
add("channels", channelsSchema, ["to"], (o) => channels(o.to));
add("pad", padSchema, ["pixels", "value"], (o) => pad(o.pixels, o.value));
add("centerCrop", centerCropSchema, ["size"], (o) => centerCrop(o.size));
add("randomCrop", randomCropSchema, ["size", "padding"], (o) => randomCrop(o.size, o.padding));
add("randomShift", randomShiftSchema, ["maxPixels", "fill"], (o) =>
  randomShift(o.maxPixels, o.fill),
);
add("randomFlip", randomFlipSchema, [], (o) => randomFlip(o));
add("randomRotation", randomRotationSchema, ["maxDegrees", "fill"], (o) =>
  randomRotation(o.maxDegrees, o.fill),
);
add("gaussianNoise", gaussianNoiseSchema, ["std", "clip"], (o) => gaussianNoise(o.std, o.clip));
add("cutout", cutoutSchema, ["size", "p", "fill"], (o) => cutout(o.size, o.p, o.fill));
add("truncatePad", truncatePadSchema, ["length", "padId"], (o) => truncatePad(o.length, o.padId));

/**
 * Makes a transform by name from the factory's arguments (`create("resize", [8, 8])`); an
 * unknown name fails with the list of known ones.
 */
export function create(name: string, ...args: unknown[]): Transform {
  const entry = transformRegistry.entry(name);
  const names = positional.get(entry.name) ?? [];
  if (names.length === 0) return transformRegistry.create(entry.name, args[0] ?? {});
  if (args.length > names.length)
    throw new ConfigError(
      `transform "${entry.name}": expected at most ${names.length} arguments (${names.join(", ")}), received ${args.length}: ${show(args)}.`,
      { field: "arguments", value: args, expected: `(${names.join(", ")})` },
    );
  const options: Record<string, unknown> = {};
  names.forEach((n, i) => {
    if (args[i] !== undefined) options[n] = args[i];
  });
  return transformRegistry.create(entry.name, options);
}

export const transforms = {
  normalize,
  standardizeFrom,
  resize,
  channels,
  pad,
  centerCrop,
  randomCrop,
  randomShift,
  randomFlip,
  randomRotation,
  gaussianNoise,
  cutout,
  truncatePad,
  create,
  names: (): string[] => transformRegistry.names(),
};
