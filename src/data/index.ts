/** The data layer's public surface: the `datasets` namespace, samplers, transforms, loader. */
import { fromArrays } from "./from-arrays.js";

export const datasets = {
  fromArrays,
};

export type { FromArraysArgs } from "./from-arrays.js";
export { evalBatches, sampleShape } from "./batch.js";
export { MultiTaskLoader, disposeStep } from "./loader.js";
export type { EpochIterator, LoaderState, MultiTaskLoaderArgs } from "./loader.js";
export { split, take } from "./ops.js";
export { samplers } from "./samplers/index.js";
export { transforms, withTransforms } from "./transforms/index.js";
export type { FlipArgs, NormalizeArgs } from "./transforms/index.js";
export type { AnnealedArgs, SamplerArgs, SamplerOptions } from "./samplers/index.js";
export type { Batch, Dataset, LabelKind, Step, TaskSampler, Transform } from "./types.js";
