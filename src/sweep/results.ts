/**
 * `loadSweep(dir)`: a finished (or running) sweep directory as data: one entry per trial with its
 * values, status and per-epoch history (from its CSV log). The result goes straight into
 * `pt.compare(sweep)` (curves per task, `.plot("pareto")`, `.table()`).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import type { EpochLog } from "../train/events.js";
import { readHistoryCsv } from "./csv.js";
import {
  type AttemptRecord,
  type TrialResult,
  readAttempts,
  readResult,
  trialFiles,
} from "./trial.js";

export interface SweepTrial {
  readonly id: string;
  /** A short label of the trial's values (what compare() shows). */
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** "completed" (result written), "failed" (the last run of the sweep gave up), "pending". */
  readonly status: "completed" | "failed" | "pending";
  readonly history: readonly EpochLog[];
  readonly result?: TrialResult;
  readonly attempts: readonly AttemptRecord[];
  /** The trial's checkpoint directory (`pt.load(trial.checkpoint)`). */
  readonly checkpoint: string;
}

export interface Sweep {
  readonly dir: string;
  readonly name: string;
  readonly engine: string;
  readonly trials: readonly SweepTrial[];
}

export async function loadSweep(dir: string): Promise<Sweep> {
  let meta: {
    name: string;
    engine: string;
    trials: { id: string; params: Record<string, unknown>; label: string }[];
  };
  try {
    meta = JSON.parse(await readFile(join(dir, "sweep.json"), "utf8"));
  } catch (cause) {
    throw new ConfigError(`No polytask sweep at "${dir}" (sweep.json is missing or unreadable).`, {
      field: "dir",
      value: dir,
      expected: "a directory written by polytask sweep",
      cause,
    });
  }
  let failed = new Set<string>();
  if (existsSync(join(dir, "results.json"))) {
    const r = JSON.parse(await readFile(join(dir, "results.json"), "utf8")) as {
      trials: { id: string; status: string }[];
    };
    failed = new Set(r.trials.filter((t) => t.status === "failed").map((t) => t.id));
  }
  const trials: SweepTrial[] = [];
  for (const t of meta.trials) {
    const files = trialFiles(dir, t.id);
    const result = await readResult(files);
    const history = existsSync(files.metrics) ? await readHistoryCsv(files.metrics) : [];
    trials.push({
      id: t.id,
      name: `${t.id} ${t.label}`.trim(),
      params: t.params,
      status: result ? "completed" : failed.has(t.id) ? "failed" : "pending",
      history,
      ...(result ? { result } : {}),
      attempts: await readAttempts(files),
      checkpoint: files.checkpoint,
    });
  }
  return { dir, name: meta.name, engine: meta.engine, trials };
}
