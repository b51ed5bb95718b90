/**
 * Discriminative learning rates (Howard & Ruder 2018, ULMFiT; the usual lower rate for a
 * pretrained backbone than for new heads): a multiplier of the learning rate per part or name
 * pattern, matched like `freeze` ("backbone", "arch", a task, "head:<task>", "adapter:<task>",
 * or a glob such as "backbone/conv0/*"); when several keys match a parameter the last one wins.
 * A multiplier may wait `delaySteps` at 0 and then warm up linearly over `warmupSteps`, on top
 * of the run's schedule (`schedule.warmupSteps` warms every part). A pure function of the step,
 * so checkpoints need nothing beyond the options.
 */
import { ConfigError } from "../../errors.js";
import { matchesTarget } from "../../model/network.js";
import type { Param } from "../../model/params.js";
import type { LrMultiplier } from "../finetune-schema.js";

interface Rule {
  multiplier: number;
  delay: number;
  warmup: number;
}

function rule(m: LrMultiplier): Rule {
  return typeof m === "number"
    ? { multiplier: m, delay: 0, warmup: 0 }
    : { multiplier: m.multiplier, delay: m.delaySteps ?? 0, warmup: m.warmupSteps ?? 0 };
}

function factor(r: Rule, step: number): number {
  if (step < r.delay) return 0;
  if (r.warmup > 0 && step - r.delay < r.warmup)
    return (r.multiplier * (step - r.delay + 1)) / r.warmup;
  return r.multiplier;
}

export class LrMultipliers {
  private readonly rules = new Map<string, Rule>();

  /**
   * Resolves each parameter's rule once. Every key must match some parameter of the model
   * (a misspelt part would otherwise train at the full rate unnoticed).
   */
  constructor(spec: Readonly<Record<string, LrMultiplier>>, params: readonly Param[]) {
    const keys = Object.keys(spec);
    for (const key of keys)
      if (!params.some((p) => matchesTarget(p, key)))
        throw new ConfigError(
          `fit: option "lrMultipliers.${key}" matches no parameter of the model. Parts: backbone, arch, ${[
            ...new Set(params.filter((p) => p.task).map((p) => p.task as string)),
          ].join(
            ", ",
          )}, head:<task>, adapter:<task>, or a glob on names such as "${params[0]?.name ?? "backbone/dense0/kernel"}".`,
          { field: `lrMultipliers.${key}`, value: key, expected: "a part, task or name pattern" },
        );
    for (const p of params) {
      let r: Rule | undefined;
      for (const key of keys) if (matchesTarget(p, key)) r = rule(spec[key]);
      if (r) this.rules.set(p.name, r);
    }
  }

  /** The multiplier of each named variable at `step` (1 for names without a rule). */
  scales(names: readonly string[], step: number): number[] {
    return names.map((n) => {
      const r = this.rules.get(n);
      return r ? factor(r, step) : 1;
    });
  }
}
