/**
 * File IO handlers for TensorFlow.js LayersModels on disk (model.json + one weights.bin),
 * without tfjs-node and without network access.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../errors.js";

/** Loads `path` (a model.json, or a directory holding one). */
export function fileLoadHandler(path: string): tf.io.IOHandler {
  const jsonPath = path.endsWith(".json") ? path : join(path, "model.json");
  return {
    load: async () => {
      let json: {
        modelTopology: object;
        weightsManifest: tf.io.WeightsManifestConfig;
        format?: string;
      };
      try {
        json = JSON.parse(await readFile(jsonPath, "utf8"));
      } catch (cause) {
        throw new ConfigError(`Cannot read a TensorFlow.js model at "${jsonPath}".`, {
          field: "path",
          value: jsonPath,
          expected: "a readable model.json written by model.save()",
          cause,
        });
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(await readFile(join(dirname(jsonPath), p)));
      }
      const total = buffers.reduce((a, b) => a + b.byteLength, 0);
      const all = new Uint8Array(total);
      let off = 0;
      for (const b of buffers) {
        all.set(b, off);
        off += b.byteLength;
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        weightSpecs: specs,
        weightData: all.buffer,
      };
    },
  };
}

/** Saves a LayersModel to directory `dir` as model.json + weights.bin (atomic per file). */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts) => {
      await mkdir(dir, { recursive: true });
      const data = artifacts.weightData;
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(0);
      const manifest = [{ paths: ["weights.bin"], weights: artifacts.weightSpecs ?? [] }];
      const json = {
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: manifest,
        ...(artifacts.userDefinedMetadata
          ? { userDefinedMetadata: artifacts.userDefinedMetadata }
          : {}),
      };
      await atomicWrite(join(dir, "weights.bin"), bytes);
      await atomicWrite(join(dir, "model.json"), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    },
  };
}

/** Writes `path` via a temporary file and a rename, so readers never see a partial file. */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
