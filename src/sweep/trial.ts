/**
 * A trial on disk, and the command that runs one attempt of it. Each trial is an ordinary
 * `polytask train` run in its own directory:
 *
 *   <out>/trials/t0003/config.json     the base config with the trial's values set
 *   <out>/trials/t0003/params.json     the trial's values, by dotted path
 *   <out>/trials/t0003/checkpoint/     run.save (every `checkpointEvery` epochs)
 *   <out>/trials/t0003/metrics.csv     one row per epoch
 *   <out>/trials/t0003/result.json     written by train at the end (reason, final log, test)
 *   <out>/trials/t0003/train.log       stdout and stderr of every attempt
 *   <out>/trials/t0003/attempts.jsonl  one line per attempt (engine, host, pid, exit)
 *   <out>/trials/t0003/pid             the running attempt's process (group) id
 *
 * An attempt runs `polytask train config.json --resume ...`, so a retried trial continues from
 * its own last checkpoint.
 */
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TrialPlan } from "./space.js";
import { setPath } from "./space.js";
import type { SweepSpec } from "./spec.js";

export interface TrialFiles {
  readonly dir: string;
  readonly config: string;
  readonly params: string;
  readonly checkpoint: string;
  readonly metrics: string;
  readonly result: string;
  readonly log: string;
  readonly attempts: string;
  readonly pid: string;
}

/** What `polytask train --result` writes. */
export interface TrialResult {
  readonly reason: string;
  readonly epochs: number;
  readonly final?: Readonly<Record<string, number>>;
  readonly test?: unknown;
  /** Epochs already done in the checkpoint this attempt resumed from (absent: a fresh start). */
  readonly resumedFromEpoch?: number;
  readonly checkpoint: string;
  readonly seconds: number;
}

export interface PreparedTrial extends TrialPlan {
  readonly files: TrialFiles;
  /** The full argv of one attempt (executable first). */
  readonly argv: readonly string[];
}

export function trialFiles(out: string, id: string): TrialFiles {
  const dir = join(out, "trials", id);
  return {
    dir,
    config: join(dir, "config.json"),
    params: join(dir, "params.json"),
    checkpoint: join(dir, "checkpoint"),
    metrics: join(dir, "metrics.csv"),
    result: join(dir, "result.json"),
    log: join(dir, "train.log"),
    attempts: join(dir, "attempts.jsonl"),
    pid: join(dir, "pid"),
  };
}

/**
 * The command that runs polytask's CLI from this installation: `node dist/src/cli/bin.js`, or,
 * when running from the TypeScript sources, `node --import tsx src/cli/bin.ts`.
 */
export function polytaskCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts")) {
    const bin = resolve(dirname(here), "../cli/bin.ts");
    return [process.execPath, "--import", import.meta.resolve("tsx"), bin];
  }
  return [process.execPath, resolve(dirname(here), "../cli/bin.js")];
}

/** The argv of one attempt of a trial. */
export function attemptArgv(
  command: readonly string[],
  files: TrialFiles,
  checkpointEvery: number,
): string[] {
  return [
    ...command,
    "train",
    files.config,
    "--resume",
    "--checkpoint-every",
    String(checkpointEvery),
    "--metrics",
    files.metrics,
    "--result",
    files.result,
  ];
}

/** Writes the trial's config and values (idempotent: a rerun of the sweep rewrites them alike). */
export async function prepareTrial(
  spec: SweepSpec,
  plan: TrialPlan,
  command: readonly string[],
): Promise<PreparedTrial> {
  const files = trialFiles(spec.out, plan.id);
  await mkdir(files.dir, { recursive: true });
  let config = structuredClone(spec.train);
  for (const [path, value] of Object.entries(plan.params)) config = setPath(config, path, value);
  config.out = files.checkpoint;
  await writeFile(files.config, `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(files.params, `${JSON.stringify(plan.params, null, 2)}\n`);
  return { ...plan, files, argv: attemptArgv(command, files, spec.checkpointEvery) };
}

export async function readResult(files: TrialFiles): Promise<TrialResult | undefined> {
  if (!existsSync(files.result)) return undefined;
  try {
    return JSON.parse(await readFile(files.result, "utf8")) as TrialResult;
  } catch {
    return undefined;
  }
}

export interface AttemptRecord {
  readonly attempt: number;
  readonly engine: string;
  readonly host?: string;
  readonly pid?: number;
  readonly start: string;
  readonly end?: string;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly error?: string;
}

export async function recordAttempt(files: TrialFiles, a: AttemptRecord): Promise<void> {
  await appendFile(files.attempts, `${JSON.stringify(a)}\n`);
}

export async function readAttempts(files: TrialFiles): Promise<AttemptRecord[]> {
  if (!existsSync(files.attempts)) return [];
  const text = await readFile(files.attempts, "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as AttemptRecord);
}
