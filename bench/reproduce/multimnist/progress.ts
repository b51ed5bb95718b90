/**
 * Where a campaign stands: runs finished per phase, the jobs running now and their epoch,
 * the learning rates chosen so far, epochs done of the plan, and the time left at the measured
 * seconds per epoch (per configuration, from the runs' histories).
 */
import { join } from "node:path";
import {
  CONFIGS,
  type Campaign,
  type ConfigName,
  type RunSpec,
  chosenLr,
  lrTag,
  planRuns,
  searchId,
} from "./plan.js";
import {
  type History,
  type RunResult,
  alive,
  finishedForPlan,
  finishedRuns,
  historyOf,
  openCampaign,
  readPid,
  runDir,
} from "./store.js";

/** Epochs a run adds to the campaign (a continuation only its epochs past the search run's). */
function ownEpochs(c: Campaign, r: RunSpec): number {
  return r.continues ? r.epochs - c.searchEpochs : r.epochs;
}

/** Every run of the campaign as planned when all searches are done (for the totals). */
export function fullPlan(c: Campaign): RunSpec[] {
  const pretend = new Map(
    c.configs.flatMap((config) =>
      c.lrGrid.map((lr) => [
        searchId(config, lr),
        { bestVal: lr === c.lrGrid[0] ? 1 : 0, reason: "completed" },
      ]),
    ),
  );
  return planRuns(c, pretend).runs;
}

export interface Progress {
  campaign: Campaign;
  results: Map<string, RunResult>;
  schedulerPid?: number;
  schedulerAlive: boolean;
  running: { id: string; pid: number; epoch: number; epochs: number; lastSeconds?: number }[];
  doneEpochs: number;
  totalEpochs: number;
  secondsPerEpoch: Partial<Record<ConfigName, number>>;
  /** Hours left at the measured speed (jobs in parallel divide it). */
  hoursLeft: number;
  chosen: Partial<Record<ConfigName, number>>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : Number.NaN;
};

export function progress(root: string): Progress {
  const c = openCampaign(root);
  const results = finishedRuns(root);
  const done = finishedForPlan(results);
  const plan = fullPlan(c);
  const actual = new Map(planRuns(c, done).runs.map((r) => [r.id, r]));
  const histories = new Map<string, History>();
  for (const r of plan) {
    const h = historyOf(root, r.id);
    if (h) histories.set(r.id, h);
  }
  const epochsOf = (r: RunSpec) => {
    const res = results.get(r.id);
    if (res) return r.epochs;
    return histories.get(r.id)?.epochs.length ?? 0;
  };
  let doneEpochs = 0;
  let totalEpochs = 0;
  const perConfig: Partial<Record<ConfigName, number[]>> = {};
  for (const r of plan) {
    const spec = actual.get(r.id) ?? r;
    totalEpochs += ownEpochs(c, spec);
    const e = epochsOf(spec);
    doneEpochs += spec.continues ? Math.max(0, e - c.searchEpochs) : e;
    const secs = histories.get(r.id)?.epochs.map((x) => x.seconds) ?? [];
    if (secs.length) perConfig[r.config] = [...(perConfig[r.config] ?? []), ...secs.slice(-30)];
  }
  const all = Object.values(perConfig).flat();
  const secondsPerEpoch: Partial<Record<ConfigName, number>> = {};
  for (const k of CONFIGS)
    if (perConfig[k]?.length) secondsPerEpoch[k] = median(perConfig[k] as number[]);
  let secondsLeft = 0;
  for (const r of plan) {
    const spec = actual.get(r.id) ?? r;
    const e = epochsOf(spec);
    const left = spec.continues ? spec.epochs - Math.max(e, c.searchEpochs) : spec.epochs - e;
    secondsLeft += left * (secondsPerEpoch[r.config] ?? median(all));
  }
  const schedulerPid = readPid(join(root, "scheduler.pid"));
  const running: Progress["running"] = [];
  for (const r of plan) {
    if (results.has(r.id)) continue;
    const pid = readPid(join(runDir(root, r.id), "job.pid"));
    if (!pid || !alive(pid)) continue;
    const h = histories.get(r.id);
    running.push({
      id: r.id,
      pid,
      epoch: h?.epochs.length ?? 0,
      epochs: (actual.get(r.id) ?? r).epochs,
      lastSeconds: h?.epochs.at(-1)?.seconds,
    });
  }
  const chosen: Partial<Record<ConfigName, number>> = {};
  for (const k of c.configs) {
    const lr = chosenLr(c, k, done);
    if (lr !== undefined) chosen[k] = lr;
  }
  return {
    campaign: c,
    results,
    schedulerPid,
    schedulerAlive: alive(schedulerPid),
    running,
    doneEpochs,
    totalEpochs,
    secondsPerEpoch,
    hoursLeft: secondsLeft / 3600 / Math.max(1, c.parallel),
    chosen,
  };
}

export function printProgress(root: string): void {
  const p = progress(root);
  const c = p.campaign;
  const plan = fullPlan(c);
  const line = (s: string) => console.log(s);
  line(`campaign ${root}`);
  line(
    `scheduler: ${p.schedulerAlive ? `running (pid ${p.schedulerPid})` : "not running"}; ${c.parallel} job(s) x ${c.threadsPerJob} thread(s)`,
  );
  for (const phase of ["search", "final", "ablation"] as const) {
    const runs = plan.filter((r) => r.phase === phase);
    if (runs.length === 0) continue;
    const n = runs.filter((r) => p.results.has(r.id)).length;
    line(`${phase}: ${n}/${runs.length} runs finished`);
  }
  for (const r of p.running)
    line(
      `running: ${r.id} (pid ${r.pid}) epoch ${r.epoch}/${r.epochs}${r.lastSeconds ? `, last epoch ${r.lastSeconds.toFixed(1)} s` : ""}`,
    );
  const chosen = Object.entries(p.chosen).map(([k, lr]) => `${k} ${lrTag(lr as number)}`);
  line(`chosen lr: ${chosen.join(", ") || "none yet"}`);
  const spe = Object.entries(p.secondsPerEpoch).map(([k, s]) => `${k} ${(s as number).toFixed(1)}`);
  line(`seconds per epoch (median of recent): ${spe.join(", ") || "not measured yet"}`);
  line(
    `epochs: ${p.doneEpochs}/${p.totalEpochs} done; about ${p.hoursLeft.toFixed(1)} h left at that speed`,
  );
}
