/**
 * What one run trains: the LeNet of Sener & Koltun's supplement C.1 (conv 5x5 10 -> max-pool ->
 * conv 5x5 20 -> max-pool -> FC 320x50, shared; one classifier head per digit), SGD with
 * momentum 0.9, and the configuration's weighting strategy; or, for the `released` ablation,
 * the authors' released code's settings.
 */
import * as pt from "../../../src/index.js";
import type { ConfigName, RunSpec, Variant } from "./plan.js";

export type Task = "left" | "right";

/** The tasks a configuration trains. */
export function tasksOf(config: ConfigName): Task[] {
  if (config === "single-left") return ["left"];
  if (config === "single-right") return ["right"];
  return ["left", "right"];
}

/**
 * GradNorm's options. Sener & Koltun do not state GradNorm's alpha (the released code has no
 * GradNorm); we use Chen et al.'s NYUv2 value 1.5 (polytask's default), the weights' own rate
 * 0.025, and gradients of all shared parameters (`mode: "shared"`, which contains GradNorm's
 * "last shared layer").
 */
export const GRADNORM_OPTIONS = { alpha: 1.5, lr: 0.025, mode: "shared" } as const;

export function strategyOf(
  config: ConfigName,
  variant: Variant = "paper",
): pt.WeightingStrategy<object> {
  if (variant === "mgda-released" && config === "mgda")
    return pt.weighting.mgda({ mode: "representation", normalization: "loss+", weightsOn: "raw" });
  switch (config) {
    case "single-left":
    case "single-right":
    case "uniform":
      return pt.weighting.ew();
    case "uncertainty":
      return pt.weighting.uncertainty();
    case "gradnorm":
      return pt.weighting.gradnorm({ ...GRADNORM_OPTIONS });
    case "mgda":
      // MGDA-UB: min-norm weights of the gradients of the shared representation (one
      // backbone pass per step); no gradient normalisation, as in the paper
      return pt.weighting.mgda({ mode: "representation" });
  }
}

/** The model of a configuration in a variant (untrained). */
export function modelOf(config: ConfigName, variant: Variant) {
  const released = variant === "released";
  const backbone = pt.backbones.convNet({
    filters: [10, 20],
    kernelSize: 5,
    padding: "valid",
    dense: 50,
    ...(released ? { dropout: 0.5 } : {}),
  });
  const head = () => pt.heads.classifier(10, released ? { hidden: [50] } : {});
  let m = pt.model({ input: [28, 28, 1] }).backbone(backbone) as pt.Model<string>;
  for (const t of tasksOf(config)) m = m.head(t, head()) as pt.Model<string>;
  return m;
}

/** The learning-rate schedule of a variant. */
export function scheduleOf(variant: Variant): { type: "step"; every: number; gamma: number } {
  return variant === "released"
    ? { type: "step", every: 10, gamma: 0.85 }
    : { type: "step", every: 30, gamma: 0.5 };
}

/**
 * Fit options of a run, except data, checkpoint and listeners. Model selection: early stopping
 * that never stops (patience above the epoch count) keeps the weights of the epoch with the best
 * mean validation accuracy in the run's state; the job evaluates those on the test set.
 */
export function fitOptionsOf(spec: RunSpec, batchSize: number): pt.FitOptions<string> {
  const metrics = Object.fromEntries(tasksOf(spec.config).map((t) => [t, ["accuracy"]]));
  return {
    epochs: spec.epochs,
    batchSize,
    seed: spec.seed,
    lr: spec.lr,
    optimizer: pt.optimizers.sgd({ lr: spec.lr, momentum: 0.9 }),
    schedule: scheduleOf(spec.variant),
    weighting: strategyOf(spec.config, spec.variant),
    metrics,
    earlyStopping: {
      monitor: "val/mean/accuracy",
      mode: "max",
      patience: spec.epochs + 1,
      restoreBest: true,
    },
    verbose: false,
  };
}
