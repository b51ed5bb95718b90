/**
 * PLE: Tang et al., "Progressive Layered Extraction (PLE): A Novel Multi-Task Learning (MTL)
 * Model for Personalized Recommendations", RecSys 2020. On the backbone's (flattened) features,
 * each level has shared experts and per-task experts; task t's gate mixes its own and the
 * shared experts, and (below the top level) a shared gate mixes all experts into the next
 * level's shared input. One level is the paper's CGC. Top-level task experts and gates belong
 * to their task; lower levels feed every task, so they are shared parameters.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../../errors.js";
import { num, parseOptions, z } from "../../util/schema.js";
import { layersOf } from "../backbones/chain.js";
import { type ForwardContext, type LayerFn, type Module, sizeOf } from "../params.js";
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

export interface PleArgs {
  /** Shared experts per level. Defaults to `2`. */
  sharedExperts?: number;
  /** Experts per task per level. Defaults to `1`. */
  taskExperts?: number;
  /** Units of each expert's dense ReLU layers: a number or a list. Defaults to `64`. */
  expertUnits?: number | readonly number[];
  /** Extraction levels. Defaults to `1` (CGC). */
  levels?: number;
}

export interface PleConfig {
  sharedExperts: number;
  taskExperts: number;
  expertUnits: number[];
  levels: number;
}

/** What the forward pass does with its values: tensors, or symbolic tensors for export. */
interface Ops<X> {
  features(x: X): X;
  run(m: Module, x: X): X;
  mix(gate: X, outputs: X[]): X;
}

interface Level {
  shared: Module[];
  task: Map<string, { experts: Module[]; gate: Module }>;
  sharedGate?: Module;
}

export const pleSchema = z.strictObject({
  sharedExperts: num.count().optional(),
  taskExperts: num.count().optional(),
  expertUnits: expertUnitsSchema.optional(),
  levels: num.count().optional(),
});

export function ple(args: PleArgs = {}): Architecture<PleConfig> {
  parseOptions(pleSchema, args, { where: 'architecture "ple"' });
  const sharedExperts = args.sharedExperts ?? 2;
  const taskExperts = args.taskExperts ?? 1;
  const levels = args.levels ?? 1;
  const expertUnits = unitsList(args.expertUnits, 64);
  const config: PleConfig = Object.freeze({
    sharedExperts,
    taskExperts,
    expertUnits: Object.freeze(expertUnits) as number[],
    levels,
  });
  return Object.freeze({
    kind: "ple",
    config,
    async build(args: ArchitectureBuildArgs): Promise<BuiltArchitecture> {
      const bottom = await args.backbone.build(
        args.inputShape,
        args.factory("backbone", "backbone"),
      );
      const outDim = expertUnits[expertUnits.length - 1];
      const built: Level[] = [];
      let inDim = sizeOf(bottom.outputShape);
      for (let l = 0; l < levels; l++) {
        const top = l === levels - 1;
        const fs = args.factory(`arch/level${l}/shared`, "arch");
        const level: Level = {
          shared: Array.from({ length: sharedExperts }, (_, k) =>
            expertMlp(fs.scope(`expert${k}`), inDim, expertUnits),
          ),
          task: new Map(),
        };
        for (const t of args.tasks) {
          const ft = args.factory(`arch/level${l}/task/${t}`, "arch", top ? { task: t } : {});
          level.task.set(t, {
            experts: Array.from({ length: taskExperts }, (_, k) =>
              expertMlp(ft.scope(`expert${k}`), inDim, expertUnits),
            ),
            gate: softmaxGate(ft.scope("gate"), inDim, taskExperts + sharedExperts),
          });
        }
        if (!top)
          level.sharedGate = softmaxGate(
            fs.scope("gate"),
            inDim,
            args.tasks.length * taskExperts + sharedExperts,
          );
        built.push(level);
        inDim = outDim;
      }
      // one forward for tensors (training, inference) and symbolic tensors (export); the top
      // level computes the `wanted` tasks (all when omitted)
      const forward = <X>(ops: Ops<X>, x: X, wanted?: readonly string[]): Map<string, X> => {
        const h = ops.features(x);
        let sharedIn = h;
        let taskIn = new Map(args.tasks.map((t) => [t, h]));
        for (const level of built) {
          const sharedOut = level.shared.map((m) => ops.run(m, sharedIn));
          // The top level only needs the requested tasks; lower levels need every task.
          const needed = level.sharedGate || wanted === undefined ? args.tasks : wanted;
          const taskOut = new Map(
            needed.map((t) => [
              t,
              level.task.get(t)!.experts.map((m) => ops.run(m, taskIn.get(t)!)),
            ]),
          );
          const next = new Map<string, X>();
          for (const t of needed) {
            const p = level.task.get(t)!;
            next.set(
              t,
              ops.mix(ops.run(p.gate, taskIn.get(t)!), [...taskOut.get(t)!, ...sharedOut]),
            );
          }
          if (level.sharedGate)
            sharedIn = ops.mix(ops.run(level.sharedGate, sharedIn), [
              ...needed.flatMap((t) => taskOut.get(t)!),
              ...sharedOut,
            ]);
          taskIn = next;
        }
        return taskIn;
      };
      const check = (task: string) => {
        if (!args.tasks.includes(task))
          throw new ConfigError(
            `Architecture "ple": unknown task "${task}". Known tasks: ${args.tasks.join(", ")}.`,
            { task },
          );
      };
      const tensorOps = (ctx: ForwardContext): Ops<tf.Tensor> => ({
        features: (x) => bottom.apply(x, ctx).reshape([-1, sizeOf(bottom.outputShape)]),
        run: (m, x) => m.apply(x, ctx),
        mix: mixExperts,
      });
      return {
        outputShape: [outDim],
        represent: (task, x, ctx) => {
          check(task);
          return forward(tensorOps(ctx), x, [task]).get(task) as tf.Tensor;
        },
        representMany: (tasks, x, ctx) => {
          for (const t of tasks) check(t);
          const out = forward(tensorOps(ctx), x, tasks);
          return Object.fromEntries(tasks.map((t) => [t, out.get(t) as tf.Tensor]));
        },
        toLayers: () => {
          const fns = new Map<Module, LayerFn>();
          const b = layersOf(bottom, `backbone "${args.backbone.kind}"`);
          const flat = tf.layers.flatten();
          const ops: Ops<tf.SymbolicTensor> = {
            features: (x) => {
              const h = b(x);
              return h.shape.length > 2 ? (flat.apply(h) as tf.SymbolicTensor) : h;
            },
            run: (m, x) => {
              let f = fns.get(m);
              if (!f) {
                f = layersOf(m);
                fns.set(m, f);
              }
              return f(x);
            },
            mix: mixExpertsLayers,
          };
          const all = perInput((x) => forward(ops, x));
          return (task, x) => all(x).get(task) as tf.SymbolicTensor;
        },
      };
    },
  });
}
