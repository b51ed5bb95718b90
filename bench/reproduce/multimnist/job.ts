/**
 * One run of the campaign, in its own process: `node --import tsx job.ts <root> <id>`. Starts
 * the run, or resumes it from its checkpoint (saved after every epoch), or continues the
 * finished run it `continues`; writes `history.json` after every epoch and, once all epochs are
 * done, evaluates the best-validation weights on the test set and writes `result.json`.
 * Exit status: 0 finished, 2 stopped early (SIGINT / SIGTERM; resumable), 3 another live job
 * holds the run, 1 an error.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pt from "../../../src/index.js";
import type { WeightMap } from "../../../src/model/spec.js";
import { copyCheckpoint, loadNewest } from "./checkpoint-dir.js";
import { loadData, pick } from "./data.js";
import type { Campaign, RunSpec } from "./plan.js";
import { fitOptionsOf, modelOf, tasksOf } from "./recipe.js";
import {
  type EpochRecord,
  type History,
  type RunResult,
  alive,
  historyOf,
  readJson,
  readPid,
  runDir,
  writeJson,
} from "./store.js";

const [root, id] = process.argv.slice(2);
if (!root || !id) {
  console.error("usage: job.ts <campaign root> <run id>");
  process.exit(1);
}
const dir = runDir(root, id);
const log = (line: string) => console.log(`[${new Date().toISOString()}] ${id}: ${line}`);
const campaign = readJson<Campaign>(join(root, "campaign.json"));
const spec = readJson<RunSpec>(join(dir, "spec.json"));
if (!campaign || !spec) {
  console.error(`job.ts: ${root} has no campaign.json or ${id} no spec.json`);
  process.exit(1);
}
if (existsSync(join(dir, "result.json"))) {
  log("already finished");
  process.exit(0);
}
const pidFile = join(dir, "job.pid");
const holder = readPid(pidFile);
if (holder && holder !== process.pid && alive(holder)) {
  log(`held by live job ${holder}`);
  process.exit(3);
}
writeFileSync(pidFile, String(process.pid));

const stop = new AbortController();
process.on("SIGTERM", () => stop.abort());

// loading tfjs-node re-registers every kernel with one console.warn line each: keep job.log readable
const noisy = /is already registered|has already been set|Reusing existing backend factory/;
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (!noisy.test(String(args[0]))) warn(...args);
};
const info = await pt.useBackend(campaign.backend as pt.BackendName | undefined, { quiet: true });
console.warn = warn;
const data = loadData(campaign, spec.variant);
const tasks = tasksOf(spec.config);
const train = pick(data.train, tasks);
const val = pick(data.val, tasks);
const test = pick(data.test, tasks);
const ckpt = join(dir, "ckpt");

/** Writes history.json after every epoch (the epochs so far, from the checkpoint's start). */
class HistoryWriter implements pt.TrainingListener {
  private last = performance.now();
  private cpu = process.cpuUsage();
  constructor(private readonly history: History) {}
  onTrainBegin(): void {
    this.last = performance.now();
    this.cpu = process.cpuUsage();
  }
  onEpochEnd(e: pt.EpochLog): void {
    const now = performance.now();
    const used = process.cpuUsage(this.cpu);
    const rec: EpochRecord = {
      epoch: e.epoch,
      at: new Date().toISOString(),
      seconds: (now - this.last) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
      log: { ...e },
    };
    this.last = now;
    this.cpu = process.cpuUsage();
    this.history.epochs = [...this.history.epochs.filter((r) => r.epoch < e.epoch), rec];
    writeJson(join(dir, "history.json"), this.history);
    log(
      `epoch ${e.epoch + 1}/${spec?.epochs} ${rec.seconds.toFixed(1)} s, val acc ${tasks
        .map((t) => `${t} ${(100 * (e[`val/${t}/accuracy`] ?? Number.NaN)).toFixed(2)}`)
        .join(", ")}`,
    );
  }
}

if (!existsSync(ckpt) && spec.continues) {
  const from = join(runDir(root, spec.continues), "ckpt");
  copyCheckpoint(from, ckpt);
  const h = historyOf(root, spec.continues);
  if (h) writeJson(join(dir, "history.json"), { ...h, id });
  log(`continues ${spec.continues}`);
}
let run = await loadNewest(ckpt, log);
const history: History = historyOf(root, id) ?? { id, epochs: [] };
if (run) {
  const at = run.state.epoch;
  history.epochs = history.epochs.filter((r) => r.epoch < at);
}
const opts: pt.FitOptions<string> = {
  ...fitOptionsOf(spec, campaign.batchSize),
  validationData: val,
  checkpoint: { dir: ckpt, every: 1 },
  listeners: [new HistoryWriter(history)],
  signal: stop.signal,
  handleSigint: true,
};
const finished = (r: pt.Run<string>) => r.state.epoch >= spec.epochs || r.reason === "nanLoss";
if (run && !finished(run)) {
  log(`resumes at epoch ${run.state.epoch} (${info.summary})`);
  run = await run.resume(train, opts);
} else if (!run) {
  log(`starts (${info.summary})`);
  run = await modelOf(spec.config, spec.variant).fit(train, opts);
}
if (!finished(run)) {
  log(`stopped at epoch ${run.state.epoch}: ${run.reason} ${run.message ?? ""}`);
  rmSync(pidFile, { force: true });
  process.exit(2);
}

// Model selection: the weights of the best mean validation accuracy (early stopping's state).
const es = run.state.listeners.earlyStopping as
  | { best: number | null; bestEpoch: number; bestWeights?: WeightMap }
  | undefined;
const bestEpoch = es?.bestEpoch ?? -1;
const best = es?.bestWeights ? run.model.withWeights(es.bestWeights) : run.model;
const accuracy = async (m: pt.Model<string>) => {
  const ev = await m.evaluate(
    test as never,
    { metrics: Object.fromEntries(tasks.map((t) => [t, ["accuracy"]])) } as never,
  );
  const per = ev.tasks as Record<string, Record<string, number>>;
  return Object.fromEntries(tasks.map((t) => [t, per[t].accuracy]));
};
const bestLog = run.history.find((h) => h.epoch === bestEpoch);
const seconds = history.epochs.map((r) => r.seconds).sort((a, b) => a - b);
const result: RunResult = {
  id,
  spec,
  reason: run.reason,
  epochsRun: run.history.length,
  bestEpoch,
  bestVal: es?.best ?? Number.NaN,
  val: Object.fromEntries(tasks.map((t) => [t, bestLog?.[`val/${t}/accuracy`] ?? Number.NaN])),
  test: await accuracy(best),
  testLast: await accuracy(run.model),
  secondsPerEpoch: seconds.length ? seconds[Math.floor(seconds.length / 2)] : Number.NaN,
  trainSeconds: run.state.time,
  backend: info.summary,
  finishedAt: new Date().toISOString(),
};
writeJson(join(dir, "result.json"), result);
log(
  `finished (${run.reason}): best epoch ${bestEpoch + 1}, test ${tasks
    .map((t) => `${t} ${(100 * result.test[t]).toFixed(2)}`)
    .join(", ")}`,
);
rmSync(pidFile, { force: true });
