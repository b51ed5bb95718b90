/** The transforms namespace and registry (`transforms.create(name, ...args)`). */
import { UnknownNameError } from "../../errors.js";
import type { Transform } from "../types.js";
import { randomRotation, randomShift } from "./affine.js";
import { channels } from "./channels.js";
import { cutout } from "./cutout.js";
import { randomFlip } from "./flip.js";
import { gaussianNoise } from "./noise.js";
import { normalize, standardizeFrom } from "./normalize.js";
import { centerCrop, pad } from "./pad-crop.js";
import { randomCrop } from "./random-crop.js";
import { resize } from "./resize.js";
import { truncatePad } from "./text.js";
import { withTransforms } from "./with-transforms.js";

export type { FlipArgs } from "./flip.js";
export type { NormalizeArgs } from "./normalize.js";
export { withTransforms };

// biome-ignore lint/suspicious/noExplicitAny: factories take differing argument lists
const registry: Record<string, (...args: any[]) => Transform> = {
  normalize,
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
};

/** Makes a transform by name; an unknown name fails with the list of known ones. */
export function create(name: string, ...args: unknown[]): Transform {
  if (!Object.hasOwn(registry, name))
    throw new UnknownNameError("transform", name, Object.keys(registry));
  return registry[name](...args);
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
  names: () => Object.keys(registry),
};
