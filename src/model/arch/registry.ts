/**
 * Architectures by kind, each with the schema of its options (for checkpoints and
 * `.architecture("name")`); an unknown kind, "toString" included, lists the known ones.
 */
import { ConfigError, show } from "../../errors.js";
import { type Context, Registry } from "../../util/registry.js";
import { z } from "../../util/schema.js";
import { crossStitch, crossStitchSchema } from "./crossStitch.js";
import { hardSharing, hardSharingSchema } from "./hardSharing.js";
import { mmoe, mmoeSchema } from "./mmoe.js";
import { ple, pleSchema } from "./ple.js";
import type { Architecture } from "./types.js";

// biome-ignore lint/suspicious/noExplicitAny: each factory takes its own config type
type ArchitectureFactory = (config: any) => Architecture<object>;

export const architectureRegistry = new Registry<Architecture<object>>("architecture");
architectureRegistry.register({
  name: "hardSharing",
  schema: hardSharingSchema,
  create: hardSharing,
});
architectureRegistry.register({ name: "mmoe", schema: mmoeSchema, create: mmoe });
architectureRegistry.register({
  name: "crossStitch",
  schema: crossStitchSchema,
  create: crossStitch,
});
architectureRegistry.register({ name: "ple", schema: pleSchema, create: ple });

/**
 * Registers an architecture kind (MMoE, cross-stitch, ...) by name. With a zod `schema`, its
 * options are validated like the built-in kinds'; without, any options object is passed on.
 */
export function registerArchitecture(
  kind: string,
  factory: ArchitectureFactory,
  schema: z.ZodType = z.record(z.string(), z.unknown()),
): void {
  architectureRegistry.register({ name: kind, schema, create: factory });
}

export function isArchitecture(a: unknown): a is Architecture<object> {
  return (
    typeof a === "object" &&
    a !== null &&
    typeof (a as Architecture).kind === "string" &&
    typeof (a as Architecture).build === "function"
  );
}

/** An architecture from an object, or a kind with its options (validated). */
export function resolveArchitecture(
  nameOrArch: string | Architecture<object>,
  config: Record<string, unknown> = {},
  ctx?: Context,
): Architecture<object> {
  if (isArchitecture(nameOrArch)) return nameOrArch;
  if (typeof nameOrArch === "string") return architectureRegistry.create(nameOrArch, config, ctx);
  throw new ConfigError(
    `architecture(a): expected an architecture name (${architectureRegistry.names().join(", ")}) or an architecture such as pt.arch.mmoe(), received ${show(nameOrArch)}.`,
    { field: "architecture", value: nameOrArch, expected: "an architecture name or object" },
  );
}
