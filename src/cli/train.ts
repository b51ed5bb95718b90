/**
 * `polytask train <config.json>`: trains from a JSON config and writes the checkpoint to `out`
 * and an offline HTML report to `out/report.html`; `out` and dataset `path`s are resolved
 * against the config file's folder. README, "polytask train", documents the format; the config
 * names everything the fluent API takes:
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
 *
 * `--resume`, `--checkpoint-every N`, `--metrics FILE.csv` and `--result FILE.json` make a run
 * restartable: what `polytask sweep` runs for each trial (see TRAIN_USAGE).
 */
import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type BackendName, useBackend } from "../backend/select.js";
import type { Dataset } from "../data/types.js";
import { ConfigError, show } from "../errors.js";
import * as pt from "../index.js";
import { backboneRegistry } from "../model/backbones/registry.js";
import { headRegistry } from "../model/heads/registry.js";
import { writeHistoryCsv } from "../sweep/csv.js";
import { currentVersion } from "../train/checkpoint/store.js";
import type { FitOptions } from "../train/options.js";
import { intFlag, parseFlags, wantsHelp } from "./args.js";
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

export const TRAIN_USAGE = `usage: polytask train <config.json> [options]

Trains from a JSON config (see README, "polytask train"; examples/train-mnist-fashion.json is a
complete one), prints test metrics for tasks with a "test" source, and writes the checkpoint to
its "out" (default runs/train) and an offline HTML report to <out>/report.html. "out" and
dataset "path"s are resolved against the config file's folder, not the working directory.

Options:
  --resume                continue from the checkpoint at "out" when there is one (exactly where
                          it stopped); a finished one is only evaluated again
  --checkpoint-every N    save the checkpoint every N epochs (default: once, at the end)
  --metrics FILE.csv      write the per-epoch history as CSV with every checkpoint
  --result FILE.json      write a summary at the end: reason, epochs, last epoch's log, test metrics
  -h, --help              this help

Exit status: 0 done, 2 bad config or data (retrying cannot help), 1 anything else.
`;

const TRAIN_FLAGS = {
  resume: { type: "boolean" },
  "checkpoint-every": { type: "string" },
  metrics: { type: "string" },
  result: { type: "string" },
} as const;

/** Whether `dir` holds a checkpoint (a committed version folder, or the older flat layout). */
async function hasCheckpoint(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return false;
  return (await currentVersion(dir)) !== undefined || existsSync(join(dir, "state.json"));
}

/** Whether a run has nothing left to train (a checkpoint abort is not an end). */
const finished = (run: pt.Run<string>) => run.reason !== "interrupted";

export async function trainCommand(args: string[]): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(TRAIN_USAGE);
    return 0;
  }
  const { values: flags, positionals } = parseFlags(args, TRAIN_FLAGS, TRAIN_USAGE);
  const file = positionals[0];
  if (!file || positionals.length > 1)
    throw new ConfigError(`usage: polytask train <config.json> [options]\n\n${TRAIN_USAGE}`, {
      field: "config",
      value: positionals,
    });
  const every =
    flags["checkpoint-every"] === undefined
      ? undefined
      : intFlag(flags["checkpoint-every"], "--checkpoint-every", 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`config ${file}: ${(e as Error).message}`, { field: "config", cause: e });
  }
  const cfg = checkConfig(parsed);
  const baseDir = resolve(file, "..");
  await useBackend(cfg.backend as BackendName | undefined);
  const started = performance.now();

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
  const out = resolve(baseDir, cfg.out ?? "runs/train");
  const save = async (run: pt.Run<string>) => {
    await run.save(out);
    if (flags.metrics) await writeHistoryCsv(resolve(flags.metrics), run.history);
  };

  let run: pt.Run<string> | undefined;
  let resumedFromEpoch: number | undefined;
  if (flags.resume && (await hasCheckpoint(out))) {
    run = await pt.load(out);
    resumedFromEpoch = run.history.length;
    console.log(`resuming ${out} after epoch ${resumedFromEpoch} (${run.reason})`);
  }
  // checkpoints every N epochs: a listener stops fit at the epoch's end (the loop then records
  // the run as interrupted there), the run is saved, and resume continues exactly
  let userStop = false;
  const onSigint = () => {
    userStop = true;
  };
  process.on("SIGINT", onSigint);
  try {
    for (;;) {
      if ((run && finished(run)) || (run && userStop)) break;
      const ac = new AbortController();
      let stoppedAt = -1;
      const extra: Partial<FitOptions> = every
        ? {
            signal: ac.signal,
            listeners: [
              ...pt.defaultListeners(),
              {
                onEpochEnd: (log) => {
                  if ((log.epoch + 1) % every === 0) {
                    stoppedAt = log.epoch + 1;
                    ac.abort();
                  }
                },
              },
            ],
          }
        : {};
      run = run
        ? await run.resume(train, { verbose: true, ...extra })
        : await m.fit(train, { verbose: true, ...fitOptions(cfg.fit ?? {}), ...extra });
      // our own stop, not a Ctrl-C or a kernel interrupt: fit ended right after the epoch we stopped at
      const checkpointStop =
        run.reason === "interrupted" &&
        ac.signal.aborted &&
        !userStop &&
        run.history.length === stoppedAt;
      if (every || !checkpointStop) await save(run);
      if (!checkpointStop) break;
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
  if (flags.metrics) await writeHistoryCsv(resolve(flags.metrics), run.history);
  let evaluation: unknown;
  if (Object.keys(test).length) {
    const result = await run.evaluate(test);
    evaluation = result.tasks;
    console.log(JSON.stringify(result.tasks, null, 2));
  }
  console.log(`checkpoint: ${out}`);
  if (flags.result) {
    const path = resolve(flags.result);
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(
      tmp,
      `${JSON.stringify(
        {
          reason: run.reason,
          epochs: run.history.length,
          final: run.history[run.history.length - 1],
          ...(evaluation !== undefined ? { test: evaluation } : {}),
          ...(resumedFromEpoch !== undefined ? { resumedFromEpoch } : {}),
          checkpoint: out,
          seconds: (performance.now() - started) / 1000,
        },
        null,
        2,
      )}\n`,
    );
    await rename(tmp, path);
  }
  const report = await pt.report(
    join(out, "report.html"),
    { history: run.history, config: run.config, name: file, evaluation },
    { title: `polytask train ${file}` },
  );
  console.log(`report: ${report} (offline HTML: curves, weights, tables, config)`);
  return 0;
}
