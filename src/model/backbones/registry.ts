/**
 * Backbones by kind, each with the schema of its options, so a model spec (JSON) can be rebuilt
 * from a checkpoint and a JSON config can name one (`{ "kind": "convNet", "filters": [16] }`).
 */
import { type Context, Registry } from "../../util/registry.js";
import { z } from "../../util/schema.js";
import { convNet, convNetSchema } from "./convNet.js";
import { mlp, mlpSchema } from "./mlp.js";
import { pretrained, pretrainedSchema } from "./pretrained.js";
import { resNet, resNetSchema } from "./resNet.js";
import { text, textSchema } from "./text.js";
import type { Backbone, BackboneJSON } from "./types.js";

export const backboneRegistry = new Registry<Backbone>("backbone");
backboneRegistry.register({ name: "mlp", schema: mlpSchema, create: mlp });
backboneRegistry.register({ name: "convNet", schema: convNetSchema, create: convNet });
backboneRegistry.register({ name: "resNet", schema: resNetSchema, create: resNet });
backboneRegistry.register({ name: "text", schema: textSchema, create: text });
backboneRegistry.register({
  name: "pretrained",
  schema: pretrainedSchema,
  create: (c) => pretrained(c.path, { cutAt: c.cutAt ?? undefined, trainable: c.trainable }),
});

/** Options of a user-registered kind without a schema: any object, checked by its factory. */
const anyOptions = z.record(z.string(), z.unknown());

/**
 * Registers a backbone kind (for user-defined backbones that should survive save/load). With a
 * zod `schema`, its options are validated like the built-in kinds'.
 */
export function registerBackbone(
  kind: string,
  // biome-ignore lint/suspicious/noExplicitAny: a user factory takes its own config type
  factory: (config: any) => Backbone<any>,
  schema: z.ZodType = anyOptions,
): void {
  backboneRegistry.register({ name: kind, schema, create: factory });
}

export function backboneFromJSON(json: BackboneJSON, ctx?: Context): Backbone {
  return backboneRegistry.create(json?.kind, json?.config ?? {}, ctx);
}

export function backboneToJSON(b: Backbone): BackboneJSON {
  return { kind: b.kind, config: JSON.parse(JSON.stringify(b.config)) };
}
