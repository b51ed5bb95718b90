/** Hard parameter sharing (Caruana 1997): one backbone shared by every task. The default. */
import { parseOptions, z } from "../../util/schema.js";
import { layersOf } from "../backbones/chain.js";
import { perInput } from "./parts.js";
import type { Architecture } from "./types.js";

export const hardSharingSchema = z.strictObject({});

export function hardSharing(args: Record<string, never> = {}): Architecture<Record<string, never>> {
  parseOptions(hardSharingSchema, args, { where: 'architecture "hardSharing"' });
  const arch: Architecture<Record<string, never>> = {
    kind: "hardSharing",
    config: Object.freeze({}),
    async build(args) {
      const module = await args.backbone.build(
        args.inputShape,
        args.factory("backbone", "backbone"),
      );
      return {
        outputShape: module.outputShape,
        sharedRepresentation: true,
        represent: (_task, x, ctx) => module.apply(x, ctx),
        representMany: (tasks, x, ctx) => {
          const z = module.apply(x, ctx);
          return Object.fromEntries(tasks.map((t) => [t, z]));
        },
        toLayers: () => {
          const f = perInput(layersOf(module, `backbone "${args.backbone.kind}"`));
          return (_task, x) => f(x);
        },
      };
    },
  };
  return Object.freeze(arch);
}
