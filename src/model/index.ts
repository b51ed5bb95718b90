/** The model part of the public surface: `model`, `backbones`, `heads`, architectures. */
import * as backboneFns from "./backbones/index.js";
import * as headFns from "./heads/index.js";

export const backbones = Object.freeze({
  mlp: backboneFns.mlp,
  convNet: backboneFns.convNet,
  resNet: backboneFns.resNet,
  text: backboneFns.text,
  pretrained: backboneFns.pretrained,
});
export const heads = Object.freeze({
  classifier: headFns.classifier,
  multiLabel: headFns.multiLabel,
  regression: headFns.regression,
});
export type { Backbone, BackboneJSON } from "./backbones/types.js";
export type {
  MlpArgs,
  ConvNetArgs,
  ResNetArgs,
  TextArgs,
  PretrainedArgs,
} from "./backbones/index.js";
export { registerBackbone } from "./backbones/registry.js";
export type { Head, HeadArgs } from "./heads/types.js";
export { registerHead } from "./heads/registry.js";
export { hardSharing } from "./arch/hardSharing.js";
export { registerArchitecture, resolveArchitecture } from "./arch/registry.js";
export type { Architecture, ArchitectureBuildArgs, BuiltArchitecture } from "./arch/types.js";
export type { AdapterKind } from "./adapters.js";
export type { ForwardContext, LayerFn, Module, Param, Part, Shape } from "./params.js";
export { ParamFactory } from "./params.js";
export type { ModelSpecJSON, WeightMap } from "./spec.js";
export { fileLoadHandler, fileSaveHandler } from "./io.js";
export { EXPORT_FORMATS, exportModel } from "./export/index.js";
export type { ExportFormat, ExportInfo, ExportOptions } from "./export/index.js";
export type { ExportedInput, ExportedOutput } from "./export/layers-model.js";
