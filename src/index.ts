/**
 * polytask: multi-task supervised fine-tuning on TensorFlow.js.
 * This file is the whole public surface; `package.json`'s exports map points here.
 */

// errors
export {
  PolytaskError,
  ConfigError,
  UnknownNameError,
  DataError,
  BackendError,
  CheckpointError,
  NonFiniteGradientError,
  ExportError,
} from "./errors.js";
export type { PolytaskErrorDetails } from "./errors.js";

// utilities
export { Random } from "./util/random.js";

// backend
export { useBackend, backendInfo, BACKEND_NAMES } from "./backend/select.js";
export type {
  AdapterDescription,
  BackendName,
  BackendInfo,
  UseBackendOptions,
} from "./backend/select.js";

// data
export {
  datasets,
  samplers,
  MultiTaskLoader,
  disposeStep,
  evalBatches,
  sampleShape,
  split,
  take,
  transforms,
  withTransforms,
  checkLabelsFit,
  Vocabulary,
  tokenize,
  isStreamed,
  openSource,
  MemorySource,
  ParquetSource,
  writeParquetShards,
} from "./data/index.js";
export type {
  Batch,
  AnyDataset,
  Dataset,
  EpochIterator,
  FashionArgs,
  FromArraysArgs,
  FromIdxArgs,
  FromParquetArgs,
  FromTensorsArgs,
  FromTextsArgs,
  ImageSetArgs,
  LabelKind,
  LoaderState,
  MultiMnistArgs,
  MultiMnistSplits,
  MultiMnistSplitsArgs,
  MultiTaskLoaderArgs,
  MultiTaskPair,
  QuickDrawArgs,
  SampleChunk,
  SampleSource,
  SamplerOptions,
  SourceOptions,
  SourceState,
  SourceStats,
  StreamTable,
  StreamedDataset,
  WriteShardsArgs,
  WrittenShards,
  SpamArgs,
  Step,
  TabularArgs,
  TaskSampler,
  Transform,
} from "./data/index.js";

// training
export type {
  WeightingStrategy,
  WeightingInstance,
  WeightingContext,
  WeightingNeeds,
} from "./train/weighting/types.js";
export { weighting } from "./train/weighting/index.js";
export {
  resolveWeighting,
  registerWeighting,
  weightingNames,
} from "./train/weighting/registry.js";
export type { GradientMode } from "./train/weighting/define.js";
export type { AggregateOptions, Aggregation } from "./train/weighting/index.js";
export { arch } from "./model/arch/index.js";
export type { MmoeArgs, CrossStitchArgs, PleArgs } from "./model/arch/index.js";
export * as analysis from "./eval/analysis/index.js";
export { singleTaskBaselines } from "./api/baselines.js";
export type { AnalysisProbe, ConflictSummary } from "./eval/analysis/index.js";

// model, training loop, evaluation (src/model, src/train, src/eval)
export { model, Model } from "./api/model.js";
export type { FitData, HeadOptions, ModelArgs, OnlyTasks } from "./api/model.js";
export {
  backbones,
  heads,
  hardSharing,
  registerBackbone,
  registerHead,
  registerArchitecture,
  resolveArchitecture,
  ParamFactory,
  fileLoadHandler,
  fileSaveHandler,
  EXPORT_FORMATS,
} from "./model/index.js";
export type {
  Architecture,
  ArchitectureBuildArgs,
  BuiltArchitecture,
  Backbone,
  Head,
  HeadArgs,
  ModelSpecJSON,
  ForwardContext,
  ExportFormat,
  ExportInfo,
  ExportOptions,
  ExportedInput,
  ExportedOutput,
  LayerFn,
  Module,
  Param,
  Shape,
} from "./model/index.js";
export { Run, load } from "./api/run.js";
export { setDefaultListeners, defaultListeners } from "./train/defaults.js";
export { optimizers } from "./train/optimizers/index.js";
export type { Optimizer, OptimizerInstance } from "./train/optimizers/index.js";
export { schedules } from "./train/schedule.js";
export type { Schedule } from "./train/schedule.js";
export type { FitOptions, RegularizeOptions, EarlyStoppingOptions } from "./train/options.js";
export type {
  EpochLog,
  StepEvent,
  TrainBeginEvent,
  TrainEndEvent,
  TrainingListener,
} from "./train/events.js";
export { metrics, deltaM } from "./eval/index.js";
export type { Metric, Evaluation, EvaluateOptions, Predictions } from "./eval/index.js";
export type { AnalysisOptions } from "./train/analysis.js";

// plots, tables and notebook display (src/viz, src/notebook)
export {
  runFigure,
  registerFigureKind,
  figureKinds,
  historyTable,
  table,
  compare,
  Comparison,
  curvesFigure,
  weightsFigure,
  conflictFigure,
  conflictEvolutionFigure,
  affinityFigure,
  confusionFigure,
  confusionCounts,
  parityFigure,
  paretoFigure,
  paretoFront,
  isFigure,
} from "./viz/index.js";
export type {
  Figure,
  RunFigureMeta,
  StepRecord,
  RunLike,
  RunCollection,
  CompareArgs,
  CurvesArgs,
  TableArgs,
  ConflictSample,
  ConfusionInput,
  ParityInput,
  ParetoPoint,
} from "./viz/index.js";
export {
  display,
  clearOutput,
  liveView,
  LiveView,
  report,
  reportHtml,
  toBundle,
  DISPLAY,
  TerminalProgress,
} from "./notebook/index.js";
export type {
  DisplayArgs,
  DisplayHandle,
  LiveViewArgs,
  ReportRun,
  ReportArgs,
  DisplayHost,
  MimeBundle,
} from "./notebook/index.js";

// sweeps (src/sweep): read a finished sweep directory; `pt.compare(sweep)` plots it
export { loadSweep } from "./sweep/results.js";
export type { Sweep, SweepTrial } from "./sweep/results.js";

// fit shows a live view by default in a notebook or an interactive terminal
import { installDefaultListeners } from "./notebook/defaults.js";
installDefaultListeners();
