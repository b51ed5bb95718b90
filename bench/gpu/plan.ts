/**
 * What the GPU check measures, sized for the lent machine's ~6-minute command (full) or for a
 * dry run on SwiftShader (quick: the same code paths at toy sizes). Every measurement is a
 * `fit` of the shared-input LeNet (bench/gpu/measure.ts).
 */
import type { StepPlan } from "./measure.js";

/** Samples carried to the lent machine (four batch-4096 steps per epoch). */
export const DATA_SAMPLES = 16384;
/** Task counts whose initial weights are carried: the LeNet's 2 and the K-scaling's. */
export const DATA_TASKS = [2, 8, 32];

export interface CheckPlan {
  quick: boolean;
  rounds: number;
  /** LeNet (K = 2) step plans on webgpu and PyTorch, one per batch size. */
  lenet: StepPlan[];
  /**
   * The wasm reference on the host's CPU (one round; CPU-bound, so short), measured only where
   * bench/shared-input/results.json has no wasm LeNet row.
   */
  wasm: StepPlan;
  /** K-scaling: task counts and the step plan shared by all of them. */
  tasks: number[];
  kscale: StepPlan;
  /** Seconds before one measurement's process is stopped. */
  processTimeout: number;
}

export function checkPlan(quick: boolean): CheckPlan {
  if (quick) {
    return {
      quick,
      rounds: 1,
      lenet: [
        { batch: 16, warmup: 1, steps: 3, maxSeconds: 30 },
        { batch: 64, warmup: 1, steps: 2, maxSeconds: 30 },
      ],
      wasm: { batch: 16, warmup: 1, steps: 3, maxSeconds: 20 },
      tasks: [2, 8, 32],
      kscale: { batch: 32, warmup: 1, steps: 3, maxSeconds: 60 },
      processTimeout: 240,
    };
  }
  return {
    quick,
    rounds: 2,
    lenet: [
      { batch: 256, warmup: 5, steps: 40, maxSeconds: 15 },
      { batch: 4096, warmup: 3, steps: 20, maxSeconds: 25 },
    ],
    wasm: { batch: 256, warmup: 2, steps: 10, maxSeconds: 15 },
    tasks: [2, 8, 32],
    kscale: { batch: 1024, warmup: 3, steps: 12, maxSeconds: 30 },
    processTimeout: 90,
  };
}

/** "256:5:40,4096:3:20" for the PyTorch script. */
export const planArg = (plans: StepPlan[]): string =>
  plans.map((p) => `${p.batch}:${p.warmup}:${p.steps}`).join(",");
