/** A sweep engine runs prepared trials (each attempt a `polytask train` process) and reports back. */
import type { SweepSpec } from "../spec.js";
import type { PreparedTrial, TrialResult } from "../trial.js";

export interface TrialOutcome {
  readonly id: string;
  readonly status: "completed" | "failed";
  /** Attempts made in this run of the sweep (0 for a trial completed by an earlier run). */
  readonly attempts: number;
  readonly result?: TrialResult;
  readonly error?: string;
}

export interface EngineRun {
  readonly spec: SweepSpec;
  /** Trials still to run (completed ones are skipped before the engine is called). */
  readonly trials: readonly PreparedTrial[];
  /** Progress lines ("t0002 completed (attempt 2)"). */
  readonly log: (line: string) => void;
  /** Stops the sweep: running attempts are killed, their trials reported failed. */
  readonly signal?: AbortSignal;
}

export interface SweepEngine {
  readonly name: string;
  run(r: EngineRun): Promise<TrialOutcome[]>;
}
