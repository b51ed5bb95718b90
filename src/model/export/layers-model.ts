/**
 * A built `Network` as a plain tf.LayersModel: every module maps itself to tf.layers
 * (`Module.toLayers`, inference mode) with copies of its current weights, the architecture
 * wires them per task (`BuiltArchitecture.toLayers`), and each task ends in a layer named after
 * the task that applies its head's prediction activation. Inputs: `input` (the model input) and
 * `input_<task>` for each task with its own input shape (an adapter).
 */
import * as tf from "@tensorflow/tfjs";
import { ExportError } from "../../errors.js";
import { layersOf } from "../backbones/chain.js";
import type { Network } from "../network.js";

export interface ExportedInput {
  /** The input layer's name (what a GraphModel's signature and a SavedModel call it). */
  readonly name: string;
  /** One sample's shape. */
  readonly shape: readonly number[];
  readonly dtype: "float32" | "int32";
  /** The tasks whose outputs need this input. */
  readonly tasks: readonly string[];
}

export interface ExportedOutput {
  readonly task: string;
  /** Index in `model.outputs` (and in the array `predict` returns for several outputs). */
  readonly index: number;
  readonly head: string;
  readonly units: number;
  readonly activation: "softmax" | "sigmoid" | "linear";
  /** The name of the input this output reads. */
  readonly input: string;
}

export interface LayersExport {
  readonly model: tf.LayersModel;
  readonly inputs: readonly ExportedInput[];
  readonly outputs: readonly ExportedOutput[];
}

/** Builds the LayersModel; the caller saves and disposes it before disposing `net`. */
export function toLayersModel(net: Network): LayersExport {
  const { arch, heads } = net.exportParts();
  const def = net.def;
  const backbone = def.backbone;
  if (!arch.toLayers)
    throw new ExportError(
      `Cannot export architecture "${def.architecture.kind}": it has no tf.layers equivalent (toLayers).`,
      {
        field: "architecture",
        value: def.architecture.kind,
        expected: "an exportable architecture",
      },
    );
  const represent = arch.toLayers();
  const inputs = new Map<string, { sym: tf.SymbolicTensor; info: ExportedInput }>();
  const inputFor = (name: string, shape: readonly number[], dtype: "float32" | "int32") => {
    let e = inputs.get(name);
    if (!e) {
      const sym = tf.input({ shape: [...shape], dtype, name });
      e = { sym, info: { name, shape: [...shape], dtype, tasks: [] } };
      inputs.set(name, e);
    }
    return e;
  };
  const outputs: ExportedOutput[] = [];
  const syms: tf.SymbolicTensor[] = [];
  for (const [task, h] of heads) {
    const activation = h.head.outputActivation;
    if (!activation)
      throw new ExportError(
        `Task "${task}": head ${h.head.describe()} cannot be exported: it declares no outputActivation.`,
        {
          task,
          field: "head",
          value: h.head.kind,
          expected: "classifier, multiLabel or regression",
        },
      );
    const entry = def.heads.find((e) => e.name === task);
    const own = h.adapter && entry?.input;
    const inp = own
      ? inputFor(`input_${task}`, entry.input as number[], "float32")
      : inputFor("input", def.input, backbone?.inputDtype ?? "float32");
    (inp.info.tasks as string[]).push(task);
    const x = h.adapter ? layersOf(h.adapter, `task "${task}"'s input adapter`)(inp.sym) : inp.sym;
    const rep = represent(task, x);
    const raw = layersOf(h.module, `task "${task}"'s head`)(rep);
    const out = tf.layers.activation({ activation, name: task }).apply(raw) as tf.SymbolicTensor;
    outputs.push({
      task,
      index: syms.length,
      head: h.head.describe(),
      units: h.head.units,
      activation,
      input: inp.info.name,
    });
    syms.push(out);
  }
  const model = tf.model({
    inputs: [...inputs.values()].map((e) => e.sym),
    outputs: syms,
    name: "polytask",
  });
  return { model, inputs: [...inputs.values()].map((e) => e.info), outputs };
}
