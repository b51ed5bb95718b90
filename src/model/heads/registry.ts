/**
 * Heads by kind, each with the schema of its options (`{ units, hidden?, metrics? }`), so a
 * model spec (JSON) can be rebuilt from a checkpoint and a JSON config can name one.
 */
import { type Context, Registry } from "../../util/registry.js";
import type { z } from "../../util/schema.js";
import { headSchema } from "./base.js";
import { classifier } from "./classifier.js";
import { multiLabel } from "./multiLabel.js";
import { regression } from "./regression.js";
import type { Head, HeadArgs } from "./types.js";

type HeadOptions = z.output<typeof headSchema>;

export const headRegistry = new Registry<Head>("head");
for (const [name, f] of [
  ["classifier", classifier],
  ["multiLabel", multiLabel],
  ["regression", regression],
] as const)
  headRegistry.register({ name, schema: headSchema, create: (o: HeadOptions) => f(o.units, o) });

/**
 * Registers a head kind: `factory(units, args)` as the built-in heads. Its options are checked
 * by the head schema (`units`, `hidden`, `metrics`) unless another zod `schema` is given.
 */
export function registerHead(
  kind: string,
  factory: (n: number, args: HeadArgs) => Head,
  schema: z.ZodType<{ units: number } & HeadArgs> = headSchema,
): void {
  headRegistry.register({ name: kind, schema, create: (o) => factory(o.units, o) });
}

export interface HeadJSON {
  kind: string;
  config: { units: number; hidden?: number[]; metrics?: string[] };
}

export function headToJSON(h: Head): HeadJSON {
  return { kind: h.kind, config: JSON.parse(JSON.stringify(h.config)) };
}

export function headFromJSON(json: HeadJSON, ctx?: Context): Head {
  return headRegistry.create(json?.kind, json?.config ?? {}, ctx);
}
