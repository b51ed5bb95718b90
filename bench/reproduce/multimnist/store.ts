/**
 * The campaign's files. A campaign root holds `campaign.json` (its settings), `scheduler.pid`,
 * `scheduler.log`, `events.jsonl` (one line per job start and end), and one folder per run
 * (`search/mgda/lr5e-3/`, ...) with `spec.json`, `ckpt/` (a polytask checkpoint, replaced after
 * every epoch), `history.json` (the per-epoch logs so far), `job.log`, `job.pid` while a job
 * holds it, and `result.json` once it finished. JSON files are written to a temporary file and
 * renamed into place, so a reader (or a kill -9) never sees half a file.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Campaign, DEFAULT_CAMPAIGN, type Finished, type RunSpec } from "./plan.js";

export const HERE = dirname(fileURLToPath(import.meta.url));
/** The real campaign's root (git-ignored: `runs/` is in .gitignore). */
export const DEFAULT_ROOT = join(HERE, "runs");

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`);
  renameSync(tmp, path);
}

export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid is alive (signal 0 probes without sending). */
export function alive(pid: number | undefined): boolean {
  if (!pid || !Number.isInteger(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readPid(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The campaign at `root`: created with `settings` (over the defaults) when it has none yet. */
export function openCampaign(root: string, settings: Partial<Campaign> = {}): Campaign {
  const path = join(root, "campaign.json");
  const saved = readJson<Campaign>(path);
  if (saved) return saved;
  const c: Campaign = { ...DEFAULT_CAMPAIGN, ...settings };
  writeJson(path, c);
  return c;
}

/** Per-epoch record a job writes after every epoch. */
export interface EpochRecord {
  epoch: number;
  /** Wall-clock time the epoch ended (ISO) and the seconds it took (this process's clock). */
  at: string;
  seconds: number;
  /** CPU seconds (user + system, all threads) the job spent on the epoch. */
  cpuSeconds?: number;
  log: Record<string, number>;
}

export interface History {
  id: string;
  epochs: EpochRecord[];
}

/** What a finished run reports. Accuracies are fractions in [0, 1]. */
export interface RunResult {
  id: string;
  spec: RunSpec;
  /** "completed" or "nanLoss" (diverged; the best epoch before that is still selected). */
  reason: string;
  epochsRun: number;
  /** Epoch (0-based) with the best mean validation accuracy, and that accuracy. */
  bestEpoch: number;
  bestVal: number;
  val: Record<string, number>;
  /** Test accuracy per task of the selected (best-validation) weights. */
  test: Record<string, number>;
  /** Test accuracy per task of the last epoch's weights (for reference only). */
  testLast: Record<string, number>;
  /** Median seconds per epoch over this run's epochs, and the total. */
  secondsPerEpoch: number;
  trainSeconds: number;
  backend: string;
  finishedAt: string;
}

export const runDir = (root: string, id: string) => join(root, id);
export const resultOf = (root: string, id: string) =>
  readJson<RunResult>(join(runDir(root, id), "result.json"));
export const historyOf = (root: string, id: string) =>
  readJson<History>(join(runDir(root, id), "history.json"));

/** Every finished run under `root`, by id. */
export function finishedRuns(root: string): Map<string, RunResult> {
  const out = new Map<string, RunResult>();
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (name.startsWith(".") || name === "ckpt") continue;
      const p = join(dir, name);
      if (name === "result.json") {
        const r = readJson<RunResult>(p);
        if (r) out.set(r.id, r);
      } else if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

export function finishedForPlan(results: ReadonlyMap<string, RunResult>): Finished {
  return new Map([...results].map(([id, r]) => [id, { bestVal: r.bestVal, reason: r.reason }]));
}

/** Appends one JSON line to the campaign's event log. */
export function logEvent(root: string, event: Record<string, unknown>): void {
  mkdirSync(root, { recursive: true });
  appendFileSync(
    join(root, "events.jsonl"),
    `${JSON.stringify({ at: new Date().toISOString(), ...event })}\n`,
  );
}

export interface CampaignEvent {
  at: string;
  kind: string;
  id?: string;
  [k: string]: unknown;
}

export function readEvents(root: string): CampaignEvent[] {
  try {
    return readFileSync(join(root, "events.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as CampaignEvent];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}
