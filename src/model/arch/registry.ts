/** Architectures by kind (for checkpoints and `.architecture("name")`). */
import { UnknownNameError } from "../../errors.js";
import { crossStitch } from "./crossStitch.js";
import { hardSharing } from "./hardSharing.js";
import { mmoe } from "./mmoe.js";
import { ple } from "./ple.js";
import type { Architecture } from "./types.js";

// biome-ignore lint/suspicious/noExplicitAny: each factory checks its own config
type ArchitectureFactory = (config: any) => Architecture<object>;

const factories: Record<string, ArchitectureFactory> = { hardSharing, mmoe, crossStitch, ple };

/** Registers an architecture kind (MMoE, cross-stitch, ...) by name. */
export function registerArchitecture(kind: string, factory: ArchitectureFactory): void {
  factories[kind] = factory;
}

export function resolveArchitecture(
  nameOrArch: string | Architecture<object>,
  config: Record<string, unknown> = {},
): Architecture<object> {
  if (typeof nameOrArch !== "string") return nameOrArch;
  const make = factories[nameOrArch];
  if (!make) throw new UnknownNameError("architecture", nameOrArch, Object.keys(factories));
  return make(config);
}
