/** Heads by kind, so a model spec (JSON) can be rebuilt from a checkpoint. */
import { UnknownNameError } from "../../errors.js";
import { classifier } from "./classifier.js";
import { multiLabel } from "./multiLabel.js";
import { regression } from "./regression.js";
import type { Head, HeadArgs } from "./types.js";

const factories: Record<string, (n: number, args: HeadArgs) => Head> = {
  classifier,
  multiLabel,
  regression,
};

export function registerHead(kind: string, factory: (n: number, args: HeadArgs) => Head): void {
  factories[kind] = factory;
}

export interface HeadJSON {
  kind: string;
  config: { units: number; hidden: number[]; metrics: string[] };
}

export function headToJSON(h: Head): HeadJSON {
  return { kind: h.kind, config: JSON.parse(JSON.stringify(h.config)) };
}

export function headFromJSON(json: HeadJSON): Head {
  const make = factories[json.kind];
  if (!make) throw new UnknownNameError("head", json.kind, Object.keys(factories));
  return make(json.config.units, json.config);
}
