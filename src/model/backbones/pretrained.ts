/**
 * A pretrained TensorFlow.js LayersModel loaded from disk (no network), cut at a named layer:
 * its output is the shared representation. `trainable: false` starts it frozen; L2-SP pulls
 * fine-tuned weights back toward the loaded ones.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../../errors.js";
import { parseOptions, z } from "../../util/schema.js";
import { fileLoadHandler } from "../io.js";
import type { Module, ParamFactory, Shape } from "../params.js";
import type { Backbone } from "./types.js";

export interface PretrainedArgs {
  /** Name of the layer whose output is the representation. Defaults to the model's output. */
  cutAt?: string;
  /** false: start with the backbone frozen. Defaults to `true`. */
  trainable?: boolean;
}

/** The options as a checkpoint stores them: `{ path, cutAt, trainable }`. */
export const pretrainedSchema = z.strictObject({
  path: z.string().min(1),
  cutAt: z.string().min(1).nullable().optional(),
  trainable: z.boolean().optional(),
});

export function pretrained(path: string, args: PretrainedArgs = {}): Backbone {
  parseOptions(pretrainedSchema, { ...args, path }, { where: 'backbone "pretrained"' });
  const config = { path, cutAt: args.cutAt ?? null, trainable: args.trainable ?? true };
  return Object.freeze({
    kind: "pretrained",
    config: Object.freeze(config),
    trainable: config.trainable,
    async build(inputShape: Shape, f: ParamFactory): Promise<Module> {
      const full = await tf.loadLayersModel(fileLoadHandler(path));
      const want = full.inputs[0].shape.slice(1);
      if (
        want.length !== inputShape.length ||
        want.some((d, i) => d != null && d !== inputShape[i])
      ) {
        full.dispose();
        throw new ConfigError(
          `Pretrained model "${path}" takes inputs of shape [${want}], but the model input is [${inputShape}].`,
          { field: "input", value: inputShape, expected: `[${want}]` },
        );
      }
      let cut = full;
      if (config.cutAt !== null) {
        const names = full.layers.map((l) => l.name);
        if (!names.includes(config.cutAt)) {
          full.dispose();
          throw new ConfigError(
            `Pretrained model "${path}" has no layer "${config.cutAt}". Its layers: ${names.join(", ")}.`,
            { field: "cutAt", value: config.cutAt, expected: `one of ${names.join(", ")}` },
          );
        }
        cut = tf.model({
          inputs: full.inputs,
          outputs: full.getLayer(config.cutAt).output as tf.SymbolicTensor,
        });
      }
      const used = new Set(cut.weights.map((w) => w.id));
      for (const w of full.weights) if (!used.has(w.id)) w.dispose();
      const trainableIds = new Set(cut.trainableWeights.map((w) => w.id));
      for (const w of cut.weights) {
        const v = w.read() as tf.Variable;
        const trainable = trainableIds.has(w.id);
        f.adopt(w.originalName, v, { trainable, regularizable: trainable && w.shape.length >= 2 });
      }
      const outShape = (cut.outputs[0].shape.slice(1) as number[]).map((d) => d ?? 1);
      return {
        outputShape: outShape,
        apply: (x, ctx) => cut.apply(x, { training: ctx.training }) as tf.Tensor,
        // the loaded model itself, nested: its layers hold the (fine-tuned) variables
        toLayers: () => (x) => cut.apply(x) as tf.SymbolicTensor,
      };
    },
  });
}
