/** Backbones by kind, so a model spec (JSON) can be rebuilt from a checkpoint. */
import { UnknownNameError } from "../../errors.js";
import { convNet } from "./convNet.js";
import { mlp } from "./mlp.js";
import { pretrained } from "./pretrained.js";
import { resNet } from "./resNet.js";
import { text } from "./text.js";
import type { Backbone, BackboneJSON } from "./types.js";

// biome-ignore lint/suspicious/noExplicitAny: configs are checked by each factory
const factories: Record<string, (config: any) => Backbone<any>> = {
  mlp,
  convNet,
  resNet,
  text,
  pretrained: (c: { path: string; cutAt: string | null; trainable: boolean }) =>
    pretrained(c.path, { cutAt: c.cutAt ?? undefined, trainable: c.trainable }),
};

/** Registers a backbone kind (for user-defined backbones that should survive save/load). */
// biome-ignore lint/suspicious/noExplicitAny: see above
export function registerBackbone(kind: string, factory: (config: any) => Backbone<any>): void {
  factories[kind] = factory;
}

export function backboneFromJSON(json: BackboneJSON): Backbone {
  const make = factories[json.kind];
  if (!make) throw new UnknownNameError("backbone", json.kind, Object.keys(factories));
  return make(json.config);
}

export function backboneToJSON(b: Backbone): BackboneJSON {
  return { kind: b.kind, config: JSON.parse(JSON.stringify(b.config)) };
}
