/**
 * `polytask train <config.json>`: trains from a JSON config and writes the checkpoint and an
 * offline HTML report. The config names everything the fluent API takes:
 *
 * {
 *   "backend": "wasm",                               // optional, else the best available
 *   "input": [28, 28, 1],
 *   "backbone": { "kind": "convNet", "filters": [16, 32], "dense": 64 },
 *   "tasks": {
 *     "digits": {
 *       "head": { "kind": "classifier", "units": 10 },
 *       "train": { "source": "mnist", "split": "train", "limit": 5000 },
 *       "test":  { "source": "mnist", "split": "test", "limit": 1000 }
 *     }
 *   },
 *   "fit": {
 *     "epochs": 2, "batchSize": 64,
 *     "weighting": "pcgrad",                        // a name, or { "name": "cagrad", "c": 0.4 }
 *     "sampler": { "name": "uniform", "mode": "all" },  // a name, or { "name", ...options }
 *     "optimizer": { "name": "adam", "lr": 0.001 }
 *   },
 *   "out": "runs/my-run"
 * }
 *
 * A data source is any `pt.datasets` loader by name with its options; `"path"` is passed first
 * for file loaders (`fromCsv`, `fromJson`), and `"pick"` selects one task of a multi-task
 * loader (`{ "source": "multiMnist", "pick": "left" }`). The whole config is validated before
 * anything loads or trains (train-config.ts).
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type BackendName, useBackend } from "../backend/select.js";
import type { Dataset } from "../data/types.js";
import { ConfigError, show } from "../errors.js";
import * as pt from "../index.js";
import { backboneRegistry } from "../model/backbones/registry.js";
import { headRegistry } from "../model/heads/registry.js";
import { type SourceConfig, checkConfig, fitOptions } from "./train-config.js";

export { checkConfig, fitOptions, type TrainConfig } from "./train-config.js";

async function loadSource(src: SourceConfig, field: string, baseDir: string): Promise<Dataset> {
  const { source, path, pick, ...opts } = src;
  const loader = (pt.datasets as unknown as Record<string, (...a: unknown[]) => unknown>)[source];
  const result = await (path !== undefined ? loader(resolve(baseDir, path), opts) : loader(opts));
  const picked = pick !== undefined ? (result as Record<string, unknown>)[pick] : result;
  if (!picked || typeof (picked as Dataset).size !== "number") {
    const f = pick !== undefined ? `${field}.pick` : `${field}.source`;
    const expected =
      pick !== undefined ? `one of ${Object.keys(result as object).join(", ")}` : "a dataset";
    throw new ConfigError(
      `config: option "${f}": expected ${expected}, received ${show(pick ?? source)}.`,
      {
        field: f,
        value: pick ?? source,
        expected,
      },
    );
  }
  return picked as Dataset;
}

export async function trainCommand(args: string[]): Promise<number> {
  const file = args[0];
  if (!file) throw new ConfigError("usage: polytask train <config.json>", { field: "config" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`config ${file}: ${(e as Error).message}`, { field: "config", cause: e });
  }
  const cfg = checkConfig(parsed);
  const baseDir = resolve(file, "..");
  await useBackend(cfg.backend as BackendName | undefined);

  const { kind: backboneKind, ...backbone } = cfg.backbone;
  let m = pt
    .model({ input: cfg.input })
    .backbone(
      backboneRegistry.create(backboneKind, backbone, { where: "config", prefix: "backbone" }),
    ) as pt.Model<string>;
  const train: Record<string, Dataset> = {};
  const test: Record<string, Dataset> = {};
  for (const [name, t] of Object.entries(cfg.tasks)) {
    // hidden layers and metrics default to the head's own when the config leaves them out
    const { kind, ...head } = t.head;
    m = m.head(
      name,
      headRegistry.create(kind, head, { where: "config", prefix: `tasks.${name}.head` }),
    );
    train[name] = await loadSource(t.train, `tasks.${name}.train`, baseDir);
    if (t.test) test[name] = await loadSource(t.test, `tasks.${name}.test`, baseDir);
  }
  const run = await m.fit(train, { verbose: true, ...fitOptions(cfg.fit ?? {}) });
  if (Object.keys(test).length) {
    const result = await run.evaluate(test);
    console.log(JSON.stringify(result.tasks, null, 2));
  }
  const out = resolve(baseDir, cfg.out ?? "runs/train");
  await run.save(out);
  console.log(`checkpoint: ${out}`);
  return 0;
}
