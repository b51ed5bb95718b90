/**
 * For the export tests: models of every backbone, head, architecture and adapter, trained for a
 * few steps (so batch-norm statistics and weights are not their initial values), and a loader
 * that runs exports in a child process that imports plain TensorFlow.js only.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { type Model, model } from "../../src/api/model.js";
import { fromArrays } from "../../src/data/from-arrays.js";
import type { Dataset } from "../../src/data/types.js";
import { crossStitch } from "../../src/model/arch/crossStitch.js";
import { mmoe } from "../../src/model/arch/mmoe.js";
import { ple } from "../../src/model/arch/ple.js";
import { convNet } from "../../src/model/backbones/convNet.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { pretrained } from "../../src/model/backbones/pretrained.js";
import { resNet } from "../../src/model/backbones/resNet.js";
import { text } from "../../src/model/backbones/text.js";
import type { ExportInfo } from "../../src/model/export/index.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { multiLabel } from "../../src/model/heads/multiLabel.js";
import { regression } from "../../src/model/heads/regression.js";
import { fileSaveHandler } from "../../src/model/io.js";
import {
  toyImageRegression,
  toyImages,
  toyMultiLabel,
  toyTasks,
  toyText,
} from "../train/helpers.js";

export interface ExportCase {
  name: string;
  model: () => Model<string>;
  data: () => Record<string, Dataset>;
}

/** A small pretrained LayersModel on disk (conv + BN + dense), for `backbones.pretrained`. */
export async function savePretrained(path: string): Promise<void> {
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        activation: "relu",
        name: "c1",
      }),
      tf.layers.batchNormalization({ name: "bn1" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 8, activation: "relu", name: "feat" }),
      tf.layers.dense({ units: 3, name: "old_head" }),
    ],
  });
  await m.save(fileSaveHandler(path));
  m.dispose();
}

const vec = () => toyTasks(48);
const img = () => {
  const i = toyImages(32, 8, 1);
  return { quad: i, bright: toyImageRegression(i) };
};
const pair = (m: Model<never>) =>
  m.head("cls", classifier(2, { hidden: [4] })).head("reg", regression(1));
const imgPair = (m: Model<never>) => m.head("quad", classifier(4)).head("bright", regression(1));

export function exportCases(pretrainedPath: string): ExportCase[] {
  return [
    {
      name: "mlp-bn-dropout",
      model: () =>
        pair(model({ input: [8] }).backbone(mlp({ units: [8, 6], dropout: 0.2, batchNorm: true }))),
      data: vec,
    },
    {
      name: "mlp-dense-adapter",
      model: () =>
        model({ input: [8] })
          .backbone(mlp({ units: [8] }))
          .head("cls", classifier(2))
          .head("small", regression(1), { input: [5] }),
      data: () => {
        const { cls } = toyTasks(48);
        const { reg } = toyTasks(48, 5, 4);
        return { cls, small: reg };
      },
    },
    {
      name: "convNet-bn",
      model: () =>
        imgPair(
          model({ input: [8, 8, 1] }).backbone(
            convNet({ filters: [4, 6], dense: 8, dropout: 0.1, batchNorm: true }),
          ),
        ),
      data: img,
    },
    {
      name: "convNet-image-adapter",
      model: () =>
        model({ input: [8, 8, 1] })
          .backbone(convNet({ filters: [4], dense: [] }))
          .head("quad", classifier(4))
          .head("big", classifier(4), { input: [16, 16, 3] }),
      data: () => ({ quad: toyImages(24, 8, 1), big: toyImages(24, 16, 3, 5, "big") }),
    },
    {
      name: "resNet",
      model: () => imgPair(model({ input: [8, 8, 1] }).backbone(resNet({ filters: [4, 8] }))),
      data: img,
    },
    {
      name: "text-conv-max",
      model: () =>
        model({ input: [6] })
          .backbone(text({ vocabSize: 20, embedDim: 6, filters: 5 }))
          .head("has", classifier(2))
          .head("count", regression(1)),
      data: () => toyText(40),
    },
    {
      name: "text-mean",
      model: () =>
        model({ input: [6] })
          .backbone(text({ vocabSize: 20, embedDim: 6, filters: 0, pooling: "mean" }))
          .head("has", classifier(2))
          .head("count", regression(1)),
      data: () => toyText(40),
    },
    {
      name: "pretrained",
      model: () =>
        imgPair(
          model({ input: [8, 8, 1] }).backbone(pretrained(pretrainedPath, { cutAt: "feat" })),
        ),
      data: img,
    },
    {
      name: "multiLabel",
      model: () =>
        model({ input: [8] })
          .backbone(mlp({ units: [8] }))
          .head("multi", multiLabel(3, { hidden: [4] }))
          .head("cls", classifier(2)),
      data: () => ({ multi: toyMultiLabel(48), cls: toyTasks(48).cls }),
    },
    {
      // trained as a task group: the two same-shaped heads train as one bank (heads/bank.ts)
      name: "group-head-bank",
      model: () =>
        model({ input: [8] })
          .backbone(mlp({ units: [8] }))
          .head("a", classifier(2))
          .head("b", classifier(2)),
      data: () => {
        const { cls } = toyTasks(48);
        const x = cls.x as Float32Array;
        const b = Int32Array.from({ length: cls.size }, (_, i) => (x[i * 8 + 2] > 0 ? 1 : 0));
        return fromArrays({ x, y: { a: cls.y, b }, inputShape: [8], name: "ab" });
      },
    },
    {
      name: "mmoe",
      model: () =>
        pair(model({ input: [8] }).backbone(mlp({ units: [8] }))).architecture(
          mmoe({ experts: 3, expertUnits: [6] }),
        ),
      data: vec,
    },
    {
      name: "ple-2-levels",
      model: () =>
        pair(model({ input: [8] }).backbone(mlp({ units: [8] }))).architecture(
          ple({ sharedExperts: 2, taskExperts: 1, expertUnits: 5, levels: 2 }),
        ),
      data: vec,
    },
    {
      name: "crossStitch-convNet",
      model: () =>
        imgPair(
          model({ input: [8, 8, 1] }).backbone(convNet({ filters: [4], dense: 6 })),
        ).architecture(crossStitch()),
      data: img,
    },
  ];
}

export interface LoadJob {
  dir: string;
  format: string;
  inputs: { name: string; file: string; shape: number[]; dtype: string }[];
  out: string;
}

/** For each task: a job feeding its test data to its input (zeros to the other inputs). */
export function jobsFor(
  info: ExportInfo,
  data: Record<string, Dataset>,
  work: string,
): Map<string, LoadJob> {
  const jobs = new Map<string, LoadJob>();
  for (const o of info.outputs) {
    const ds = data[o.task] as Dataset & { x: Float32Array | Int32Array };
    const inputs = info.inputs.map((inp) => {
      const file = join(work, `${o.task}-${inp.name}.bin`);
      const n = ds.size * inp.shape.reduce((a, b) => a * b, 1);
      const values =
        inp.name === o.input
          ? ds.x
          : inp.dtype === "int32"
            ? new Int32Array(n)
            : new Float32Array(n);
      writeFileSync(file, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      return { name: inp.name, file, shape: [ds.size, ...inp.shape], dtype: inp.dtype };
    });
    jobs.set(o.task, {
      dir: info.dir,
      format: info.format,
      inputs,
      out: join(work, `${o.task}-out.json`),
    });
  }
  return jobs;
}

const FIXTURE = fileURLToPath(new URL("./export-load.fixture.mjs", import.meta.url));

/** Runs the plain-TensorFlow.js loader on the jobs; returns each job's outputs by task. */
export function loadWithPlainTfjs(jobs: LoadJob[], work: string): Record<string, number[]>[] {
  const file = join(work, "jobs.json");
  writeFileSync(file, JSON.stringify(jobs));
  execFileSync(process.execPath, [FIXTURE, file], { stdio: ["ignore", "ignore", "pipe"] });
  return jobs.map((j) => JSON.parse(readFileSync(j.out, "utf8")));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
