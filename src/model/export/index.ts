/**
 * `run.export(dir, { format })`: a model that plain TensorFlow.js (or TensorFlow) loads, with
 * one named output per task giving what `run.model.predict(task, ...)` gives.
 * - "tfjs-layers" (default): `model.json` + `weights.bin`, for `tf.loadLayersModel`.
 * - "tfjs-graph": a GraphModel for `tf.loadGraphModel`, by TensorFlow.js's converter.
 * - "savedmodel": a TensorFlow SavedModel (`tf.saved_model.load`, tfjs-node's
 *   `loadSavedModel`), by the same converter (keras_saved_model).
 * The last two need the native setup's TensorFlow; the converter is installed on first use
 * (src/model/export/converter.ts). Each export also writes `polytask-export.json`: the
 * format, the inputs, and per task its output name, index, head and activation.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { ConfigError, ExportError, show } from "../../errors.js";
import { fileSaveHandler } from "../io.js";
import { Network } from "../network.js";
import type { ModelDef } from "../spec.js";
import { convertLayersModel, ensureConverter } from "./converter.js";
import { nameGraphOutputs } from "./graph-signature.js";
import { type ExportedInput, type ExportedOutput, toLayersModel } from "./layers-model.js";

export const EXPORT_FORMATS = ["tfjs-layers", "tfjs-graph", "savedmodel"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /** Defaults to `"tfjs-layers"`. */
  format?: ExportFormat;
  /** Hears progress lines (the converter's one-time install). Defaults to stderr. */
  log?: (line: string) => void;
}

export interface ExportInfo {
  readonly dir: string;
  readonly format: ExportFormat;
  readonly inputs: readonly ExportedInput[];
  readonly outputs: readonly ExportedOutput[];
  /** Files written, relative to `dir`. */
  readonly files: readonly string[];
}

export const MANIFEST = "polytask-export.json";

function checkFormat(f: unknown): ExportFormat {
  if (f === undefined) return "tfjs-layers";
  if (typeof f === "string" && (EXPORT_FORMATS as readonly string[]).includes(f))
    return f as ExportFormat;
  throw new ConfigError(`export: format ${show(f)} is not one of ${EXPORT_FORMATS.join(", ")}.`, {
    field: "format",
    value: f,
    expected: EXPORT_FORMATS.join(", "),
  });
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

/** Refuses to replace a non-empty folder that is not an earlier export. */
async function checkTarget(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const entries = await readdir(dir).catch(() => {
    throw new ExportError(`export: "${dir}" exists and is not a folder.`, {
      field: "dir",
      value: dir,
      expected: "a new folder, an empty one, or an earlier export",
    });
  });
  if (entries.length > 0 && !entries.includes(MANIFEST))
    throw new ExportError(
      `export: "${dir}" is not empty and holds no ${MANIFEST}; polytask replaces only its own exports.`,
      { field: "dir", value: dir, expected: "a new folder, an empty one, or an earlier export" },
    );
}

/**
 * Frees the export's weights. Not `model.dispose()`: a layer applied to several inputs (a
 * backbone shared by tasks with their own inputs) counts one reference per application and
 * would keep its weights. Variables shared with the network (a pretrained backbone's) are
 * disposed here first; the network then skips them.
 */
function disposeWeights(model: tf.LayersModel): void {
  for (const w of model.weights) {
    const v = (w as unknown as { val: tf.Variable }).val;
    if (!v.isDisposed) v.dispose();
  }
}

/** Exports `def` (its weights, or a seed-0 initialisation like `predict`) to `dir`. */
export async function exportModel(
  def: ModelDef,
  dirArg: string,
  opts: ExportOptions = {},
): Promise<ExportInfo> {
  if (typeof dirArg !== "string" || dirArg.length === 0)
    throw new ConfigError(`export(dir): dir must be a folder path, got ${show(dirArg)}.`, {
      field: "dir",
      value: dirArg,
      expected: "a folder path",
    });
  const format = checkFormat(opts.format);
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = resolve(dirArg);
  await checkTarget(dir);
  // the converter is installed (or refused) before any work
  const python = format === "tfjs-layers" ? undefined : await ensureConverter(log);
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  // everything is written into a sibling folder that replaces `dir` at the end
  const stage = await mkdtemp(join(parent, `.${basename(dir)}.export-`));
  const work = python ? await mkdtemp(join(tmpdir(), "polytask-export-")) : undefined;
  try {
    const net = await Network.build(def, 0);
    let layers: ReturnType<typeof toLayersModel>;
    try {
      layers = toLayersModel(net);
      try {
        await layers.model.save(fileSaveHandler(work ? join(work, "layers") : stage));
        if (python && work) {
          const out = join(stage, "model");
          const fmt = format as "tfjs-graph" | "savedmodel";
          await convertLayersModel(python, join(work, "layers"), out, fmt, work);
          if (format === "tfjs-graph")
            await nameGraphOutputs(out, layers.model, layers.inputs, layers.outputs);
          for (const f of await readdir(out)) await rename(join(out, f), join(stage, f));
          await rm(out, { recursive: true, force: true });
        }
      } finally {
        disposeWeights(layers.model);
      }
    } finally {
      net.dispose();
    }
    const manifest = {
      format: "polytask-export/1",
      modelFormat: format,
      inputs: layers.inputs,
      outputs: layers.outputs,
    };
    await writeFile(join(stage, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const files = await listFiles(stage);
    await rm(dir, { recursive: true, force: true });
    await rename(stage, dir);
    return { dir, format, inputs: layers.inputs, outputs: layers.outputs, files };
  } catch (e) {
    await rm(stage, { recursive: true, force: true });
    throw e;
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
}
