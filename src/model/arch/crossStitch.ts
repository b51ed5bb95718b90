/**
 * Cross-stitch networks: Misra et al., "Cross-stitch Networks for Multi-task Learning", CVPR
 * 2016. Each task has its own column (a copy of the backbone); after every stage of the columns
 * a cross-stitch unit mixes them linearly, `h_i <- sum_j alpha_ij h_j`, with learnable alpha
 * (initialised to `alphaSelf` on the diagonal and the rest spread evenly). Units go after each
 * stage the backbone exposes (`stages`), else once after the whole backbone.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../../errors.js";
import { num, parseOptions, z } from "../../util/schema.js";
import { layersOf } from "../backbones/chain.js";
import type { ForwardContext, Module } from "../params.js";
import { perInput, stagesOf } from "./parts.js";
import type { Architecture, ArchitectureBuildArgs, BuiltArchitecture } from "./types.js";

export interface CrossStitchArgs {
  /** Initial weight a column gives itself. Defaults to `0.9` (the paper's setting). */
  alphaSelf?: number;
}

export interface CrossStitchConfig {
  alphaSelf: number;
}

/** Initial cross-stitch matrix: `alphaSelf` on the diagonal, `(1 - alphaSelf) / (T - 1)` elsewhere. */
export function initialAlpha(t: number, alphaSelf: number): number[][] {
  return Array.from({ length: t }, (_, i) =>
    Array.from({ length: t }, (_, j) =>
      t === 1 ? 1 : i === j ? alphaSelf : (1 - alphaSelf) / (t - 1),
    ),
  );
}

export const crossStitchSchema = z.strictObject({ alphaSelf: num.probability().optional() });

export function crossStitch(args: CrossStitchArgs = {}): Architecture<CrossStitchConfig> {
  parseOptions(crossStitchSchema, args, { where: 'architecture "crossStitch"' });
  const alphaSelf = args.alphaSelf ?? 0.9;
  const config: CrossStitchConfig = Object.freeze({ alphaSelf });
  return Object.freeze({
    kind: "crossStitch",
    config,
    async build(args: ArchitectureBuildArgs): Promise<BuiltArchitecture> {
      const tasks = args.tasks;
      const t = tasks.length;
      // Columns are shared parameters in the loop's sense: every task's loss reaches every
      // column through the cross-stitch units.
      const columns: (readonly Module[])[] = [];
      for (const task of tasks)
        columns.push(
          stagesOf(
            await args.backbone.build(
              args.inputShape,
              args.factory(`backbone/${task}`, "backbone"),
            ),
          ),
        );
      const nStages = columns[0].length;
      const fu = args.factory("arch/crossStitch", "arch");
      const init = initialAlpha(t, alphaSelf);
      const alphas = Array.from({ length: nStages }, (_, k) => {
        const v = fu.scope(`unit${k}`).weight("alpha", [t, t], "zeros", { regularizable: false });
        tf.tidy(() => v.assign(tf.tensor2d(init)));
        return v;
      });
      const index = new Map(tasks.map((name, i) => [name, i]));
      /** The representations of the tasks at indices `only` (one pass over every column). */
      const run = (x: tf.Tensor, ctx: ForwardContext, only: readonly number[]): tf.Tensor[] => {
        let hs: tf.Tensor[] = tasks.map(() => x);
        for (let k = 0; k < nStages; k++) {
          const outs = hs.map((h, i) => columns[i][k].apply(h, ctx));
          const stacked = tf.stack(outs); // [T, B, ...]
          const flat = stacked.reshape([t, -1]);
          const last = k === nStages - 1;
          const rows = last ? only.length : t;
          const alpha = last
            ? tf.concat(only.map((i) => alphas[k].slice([i, 0], [1, t])))
            : alphas[k];
          const mixed = tf.matMul(alpha, flat).reshape([rows, ...outs[0].shape]);
          // Slices, not tf.unstack: Unpack's gradient fails when some outputs are unused.
          const shape = outs[0].shape;
          hs = Array.from({ length: rows }, (_, i) => mixed.slice(i, 1).reshape(shape));
        }
        return hs;
      };
      const indexOf = (task: string): number => {
        const i = index.get(task);
        if (i === undefined)
          throw new ConfigError(
            `Architecture "crossStitch": unknown task "${task}". Known tasks: ${tasks.join(", ")}.`,
            { task },
          );
        return i;
      };
      return {
        outputShape: columns[0][nStages - 1].outputShape,
        represent: (task, x, ctx) => run(x, ctx, [indexOf(task)])[0],
        representMany: (wanted, x, ctx) => {
          const reps = run(x, ctx, wanted.map(indexOf));
          return Object.fromEntries(wanted.map((t, i) => [t, reps[i]]));
        },
        toLayers: () => {
          const fns = columns.map((col) =>
            col.map((m) => layersOf(m, `backbone "${args.backbone.kind}"`)),
          );
          // unit k, row i: a bias-free Dense(1) over the task axis whose kernel is alpha[i, :]
          const units = alphas.map((a, k) =>
            tasks.map((_, i) => {
              const row = tf.tidy(() => a.slice([i, 0], [1, t]).reshape([t, 1]));
              const layer = tf.layers.dense({
                units: 1,
                useBias: false,
                name: `arch/crossStitch/unit${k}/row${i}`,
                weights: [row],
              });
              return { layer, row };
            }),
          );
          const all = perInput((x) => {
            let hs: tf.SymbolicTensor[] = tasks.map(() => x);
            for (let k = 0; k < nStages; k++) {
              const outs = hs.map((h, i) => fns[i][k](h));
              const shape = outs[0].shape.slice(1) as number[];
              const f = shape.reduce((p, q) => p * q, 1);
              const cols = outs.map((o) => tf.layers.reshape({ targetShape: [f, 1] }).apply(o));
              const stacked = (
                t === 1
                  ? cols[0]
                  : tf.layers.concatenate({ axis: -1 }).apply(cols as tf.SymbolicTensor[])
              ) as tf.SymbolicTensor;
              hs = units[k].map((u) => {
                const mixed = u.layer.apply(stacked) as tf.SymbolicTensor;
                if (!u.row.isDisposed) u.row.dispose(); // copied into the layer when it was built
                return tf.layers.reshape({ targetShape: shape }).apply(mixed) as tf.SymbolicTensor;
              });
            }
            return hs;
          });
          return (task, x) => {
            const i = index.get(task);
            if (i === undefined)
              throw new ConfigError(`Architecture "crossStitch": unknown task "${task}".`, {
                task,
              });
            return all(x)[i];
          };
        },
      };
    },
  });
}
