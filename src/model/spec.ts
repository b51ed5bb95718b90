/**
 * The model definition the builder carries (objects) and its JSON form (for checkpoints).
 * Weights travel as plain typed arrays, never tensors, so builder values hold no GPU/wasm
 * memory and need no disposal.
 */
import { ConfigError } from "../errors.js";
import type { AdapterKind } from "./adapters.js";
import { resolveArchitecture } from "./arch/registry.js";
import type { Architecture } from "./arch/types.js";
import { backboneFromJSON, backboneToJSON } from "./backbones/registry.js";
import type { Backbone, BackboneJSON } from "./backbones/types.js";
import { type HeadJSON, headFromJSON, headToJSON } from "./heads/registry.js";
import type { Head } from "./heads/types.js";
import type { Shape } from "./params.js";

export interface HeadEntry {
  readonly name: string;
  readonly head: Head;
  /** The task's own input shape, when it differs from the model input. */
  readonly input?: Shape;
  readonly adapter: AdapterKind;
}

export interface FreezeOp {
  readonly op: "freeze" | "unfreeze";
  /** "backbone", "arch", a task name, "head:<task>", "adapter:<task>", or a glob on names. */
  readonly target: string;
}

/** Parameter values by logical name. */
export type WeightMap = ReadonlyMap<
  string,
  { readonly shape: readonly number[]; readonly values: Float32Array }
>;

export interface ModelDef {
  readonly input: Shape;
  readonly backbone?: Backbone;
  readonly architecture: Architecture<object>;
  readonly heads: readonly HeadEntry[];
  readonly freeze: readonly FreezeOp[];
  /** Trained (or loaded) weights; absent for a fresh model. */
  readonly weights?: WeightMap;
}

export interface ModelSpecJSON {
  format: "polytask-model/1";
  input: number[];
  backbone: BackboneJSON;
  architecture: { kind: string; config: Record<string, unknown> };
  heads: { name: string; head: HeadJSON; input?: number[]; adapter: AdapterKind }[];
  freeze: FreezeOp[];
}

export function specToJSON(def: ModelDef): ModelSpecJSON {
  if (!def.backbone)
    throw new ConfigError("The model has no backbone: call .backbone(b) first.", {
      field: "backbone",
    });
  return {
    format: "polytask-model/1",
    input: [...def.input],
    backbone: backboneToJSON(def.backbone),
    architecture: {
      kind: def.architecture.kind,
      config: JSON.parse(JSON.stringify(def.architecture.config)),
    },
    heads: def.heads.map((h) => ({
      name: h.name,
      head: headToJSON(h.head),
      ...(h.input ? { input: [...h.input] } : {}),
      adapter: h.adapter,
    })),
    freeze: def.freeze.map((f) => ({ ...f })),
  };
}

export function specFromJSON(json: ModelSpecJSON): ModelDef {
  if (json.format !== "polytask-model/1")
    throw new ConfigError(`Unknown model spec format ${JSON.stringify(json.format)}.`, {
      field: "format",
      value: json.format,
      expected: "polytask-model/1",
    });
  return {
    input: json.input,
    backbone: backboneFromJSON(json.backbone),
    architecture: resolveArchitecture(json.architecture.kind, json.architecture.config),
    heads: json.heads.map((h) => ({
      name: h.name,
      head: headFromJSON(h.head),
      input: h.input,
      adapter: h.adapter,
    })),
    freeze: json.freeze,
  };
}
