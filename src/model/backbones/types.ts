/**
 * The `Backbone` plug-in: an immutable config that builds the shared feature extractor for an
 * input shape. `kind` + `config` are JSON, so a checkpoint can rebuild it (see registry.ts).
 */
import type { Module, ParamFactory, Shape } from "../params.js";

export interface Backbone<C extends object = Record<string, unknown>> {
  readonly kind: string;
  readonly config: Readonly<C>;
  /** Input dtype the backbone expects ("int32" for token ids). Defaults to "float32". */
  readonly inputDtype?: "float32" | "int32";
  /** false: the backbone starts frozen (pretrained with `trainable: false`). */
  readonly trainable?: boolean;
  /** Builds the module, creating its parameters through `f`. */
  build(inputShape: Shape, f: ParamFactory): Module | Promise<Module>;
}

export interface BackboneJSON {
  kind: string;
  config: Record<string, unknown>;
}
