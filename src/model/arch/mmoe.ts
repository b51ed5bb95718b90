/**
 * MMoE: Ma et al., "Modeling Task Relationships in Multi-task Learning with Multi-gate
 * Mixture-of-Experts", KDD 2018. The backbone is a shared bottom; on its (flattened) features
 * sit E expert MLPs shared by all tasks and one softmax gate per task; task t's representation
 * is `sum_k gate_t(h)_k * expert_k(h)`. Gates are task-specific parameters (part "arch").
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../../errors.js";
import { num, parseOptions, z } from "../../util/schema.js";
import { layersOf } from "../backbones/chain.js";
import { type LayerFn, sizeOf } from "../params.js";
import {
  expertMlp,
  expertUnitsSchema,
  mixExperts,
  mixExpertsLayers,
  perInput,
  softmaxGate,
  unitsList,
} from "./parts.js";
import type { Architecture, ArchitectureBuildArgs, BuiltArchitecture } from "./types.js";

export interface MmoeArgs {
  /** Number of experts. Defaults to `4`. */
  experts?: number;
  /** Units of each expert's dense ReLU layers: a number (one layer) or a list. Defaults to `64`. */
  expertUnits?: number | readonly number[];
}

export interface MmoeConfig {
  experts: number;
  expertUnits: number[];
}

export const mmoeSchema = z.strictObject({
  experts: num.count().optional(),
  expertUnits: expertUnitsSchema.optional(),
});

export function mmoe(args: MmoeArgs = {}): Architecture<MmoeConfig> {
  parseOptions(mmoeSchema, args, { where: 'architecture "mmoe"' });
  const experts = args.experts ?? 4;
  const expertUnits = unitsList(args.expertUnits, 64);
  const config: MmoeConfig = Object.freeze({
    experts,
    expertUnits: Object.freeze(expertUnits) as number[],
  });
  return Object.freeze({
    kind: "mmoe",
    config,
    async build(args: ArchitectureBuildArgs): Promise<BuiltArchitecture> {
      const bottom = await args.backbone.build(
        args.inputShape,
        args.factory("backbone", "backbone"),
      );
      const inDim = sizeOf(bottom.outputShape);
      const fe = args.factory("arch/experts", "arch");
      const mods = Array.from({ length: experts }, (_, k) =>
        expertMlp(fe.scope(`expert${k}`), inDim, expertUnits),
      );
      const gates = new Map(
        args.tasks.map((t) => [
          t,
          softmaxGate(args.factory(`arch/gate/${t}`, "arch", { task: t }), inDim, experts),
        ]),
      );
      const features = (x: tf.Tensor, ctx: Parameters<BuiltArchitecture["represent"]>[2]) =>
        bottom.apply(x, ctx).reshape([-1, inDim]);
      const gateOf = (task: string) => {
        const g = gates.get(task);
        if (!g)
          throw new ConfigError(
            `Architecture "mmoe": unknown task "${task}". Known tasks: ${args.tasks.join(", ")}.`,
            { task },
          );
        return g;
      };
      return {
        outputShape: [expertUnits[expertUnits.length - 1]],
        represent: (task, x, ctx) => {
          const gate = gateOf(task);
          const h = features(x, ctx);
          return mixExperts(
            gate.apply(h, ctx),
            mods.map((m) => m.apply(h, ctx)),
          );
        },
        // the shared bottom and the experts once, a gate per task
        representMany: (tasks, x, ctx) => {
          const h = features(x, ctx);
          const outs = mods.map((m) => m.apply(h, ctx));
          return Object.fromEntries(
            tasks.map((t) => [t, mixExperts(gateOf(t).apply(h, ctx), outs)]),
          );
        },
        toLayers: () => {
          const b = layersOf(bottom, `backbone "${args.backbone.kind}"`);
          const flat = tf.layers.flatten();
          const ex = mods.map((m) => layersOf(m));
          const gs = new Map([...gates].map(([t, g]) => [t, layersOf(g)]));
          const shared = perInput((x) => {
            const h0 = b(x);
            const h = h0.shape.length > 2 ? (flat.apply(h0) as tf.SymbolicTensor) : h0;
            return { h, experts: ex.map((e) => e(h)) };
          });
          return (task, x) => {
            const { h, experts } = shared(x);
            gateOf(task);
            return mixExpertsLayers((gs.get(task) as LayerFn)(h), experts);
          };
        },
        /** The gate's expert distribution [B, E] for `task` (for analysis and plots). */
        gateWeights: (task: string, x: tf.Tensor) =>
          tf.tidy(() => gateOf(task).apply(features(x, { training: false }), { training: false })),
      } as BuiltArchitecture;
    },
  });
}
