/**
 * `runSweep(file, opts)`: plans the trials of a sweep, writes each trial's directory, hands the
 * unfinished ones to the engine, and writes `results.json` (one entry per trial) and
 * `summary.csv` (one row per trial: status, attempts, values, final metrics). Running a sweep
 * again continues it: completed trials are kept, the others run (resuming their checkpoints).
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { engines } from "./engines/index.js";
import type { TrialOutcome } from "./engines/types.js";
import { paramsLabel, planTrials } from "./space.js";
import { type SweepSpec, readSweep } from "./spec.js";
import { type PreparedTrial, polytaskCommand, prepareTrial, readResult } from "./trial.js";

export interface RunSweepOptions {
  /** Overrides the sweep file's engine. */
  engine?: string;
  /** Overrides `workers` (local engine). */
  workers?: number;
  /** Overrides `ray.address`. */
  rayAddress?: string;
  /** Overrides `ray.python`. */
  python?: string;
  /** Checks one trial's train config before anything runs (the CLI passes train's checkConfig). */
  validate?: (config: Record<string, unknown>, trialId: string) => void;
  /** Progress lines. Defaults to console.log. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface SweepTrialSummary {
  readonly id: string;
  readonly label: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: "completed" | "failed";
  readonly attempts: number;
  readonly error?: string;
  readonly reason?: string;
  readonly epochs?: number;
  readonly resumedFromEpoch?: number;
  readonly final?: Readonly<Record<string, number>>;
}

export interface SweepReport {
  readonly dir: string;
  readonly name: string;
  readonly engine: string;
  readonly trials: readonly SweepTrialSummary[];
  readonly completed: number;
  readonly failed: number;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, path);
}

function summaryCsv(trials: readonly SweepTrialSummary[]): string {
  const params = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const finals = [...new Set(trials.flatMap((t) => Object.keys(t.final ?? {})))].filter(
    (k) => k !== "epoch",
  );
  const q = (v: unknown) => {
    const s = v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const head = ["id", "status", "attempts", "epochs", ...params, ...finals];
  const rows = trials.map((t) =>
    [
      t.id,
      t.status,
      t.attempts,
      t.epochs,
      ...params.map((p) => t.params[p]),
      ...finals.map((k) => t.final?.[k]),
    ]
      .map(q)
      .join(","),
  );
  return `${[head.map(q).join(","), ...rows].join("\n")}\n`;
}

export async function runSweep(
  source: string | SweepSpec,
  opts: RunSweepOptions = {},
): Promise<SweepReport> {
  const base = typeof source === "string" ? await readSweep(source) : source;
  const spec: SweepSpec = {
    ...base,
    engine: opts.engine ?? base.engine,
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ray: {
      ...base.ray,
      ...(opts.rayAddress ? { address: opts.rayAddress } : {}),
      ...(opts.python ? { python: opts.python } : {}),
    },
  };
  const engine = engines.create(spec.engine, {}, "polytask sweep --engine");
  const log = opts.log ?? ((l: string) => console.log(l));
  const plans = planTrials(spec);
  await mkdir(spec.out, { recursive: true });
  const command = polytaskCommand();
  const prepared: PreparedTrial[] = [];
  for (const p of plans) {
    const t = await prepareTrial(spec, p, command);
    if (opts.validate) {
      const { readFile } = await import("node:fs/promises");
      opts.validate(JSON.parse(await readFile(t.files.config, "utf8")), t.id);
    }
    prepared.push(t);
  }
  await writeJson(join(spec.out, "sweep.json"), {
    format: "polytask-sweep/1",
    name: spec.name,
    engine: spec.engine,
    search: spec.search,
    space: spec.space,
    retries: spec.retries,
    checkpointEvery: spec.checkpointEvery,
    resources: spec.resources,
    train: spec.train,
    trials: plans.map((p) => ({ id: p.id, params: p.params, label: paramsLabel(p.params) })),
  });
  const outcomes = new Map<string, TrialOutcome>();
  const todo: PreparedTrial[] = [];
  for (const t of prepared) {
    const done = await readResult(t.files);
    if (done) outcomes.set(t.id, { id: t.id, status: "completed", attempts: 0, result: done });
    else todo.push(t);
  }
  log(
    `sweep ${spec.name}: ${plans.length} trial(s), ${todo.length} to run on engine "${spec.engine}"${outcomes.size ? ` (${outcomes.size} already completed)` : ""}; ${spec.out}`,
  );
  if (todo.length > 0)
    for (const o of await engine.run({ spec, trials: todo, log, signal: opts.signal }))
      outcomes.set(o.id, o);
  const trials: SweepTrialSummary[] = plans.map((p) => {
    const o = outcomes.get(p.id) ?? {
      id: p.id,
      status: "failed" as const,
      attempts: 0,
      error: "not run",
    };
    const r = o.result;
    return {
      id: p.id,
      label: paramsLabel(p.params),
      params: p.params,
      status: o.status,
      attempts: o.attempts,
      ...(o.error ? { error: o.error } : {}),
      ...(r
        ? {
            reason: r.reason,
            epochs: r.epochs,
            ...(r.resumedFromEpoch !== undefined ? { resumedFromEpoch: r.resumedFromEpoch } : {}),
            ...(r.final ? { final: r.final } : {}),
          }
        : {}),
    };
  });
  const report: SweepReport = {
    dir: spec.out,
    name: spec.name,
    engine: spec.engine,
    trials,
    completed: trials.filter((t) => t.status === "completed").length,
    failed: trials.filter((t) => t.status === "failed").length,
  };
  await writeJson(join(spec.out, "results.json"), report);
  await writeFile(join(spec.out, "summary.csv"), summaryCsv(trials));
  log(
    `sweep ${spec.name}: ${report.completed} completed, ${report.failed} failed; ${join(spec.out, "summary.csv")}`,
  );
  return report;
}
