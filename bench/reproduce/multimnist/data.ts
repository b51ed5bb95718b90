/**
 * The reproduction's data: polytask's MultiMNIST (Sener & Koltun's construction), 60,000
 * training pairs with a fixed validation split held out of them (the same samples for every
 * configuration, seed and task: the split never depends on the run's seed) and the 10,000 test
 * pairs, which are only ever used for the final evaluation of the selected weights.
 */
import { splitGroup } from "../../../src/data/ops.js";
import * as pt from "../../../src/index.js";
import type { Campaign } from "./plan.js";
import type { Task } from "./recipe.js";

export interface ReproData {
  train: Record<Task, pt.Dataset>;
  val: Record<Task, pt.Dataset>;
  test: Record<Task, pt.Dataset>;
}

/** The tasks' datasets of `tasks` (one member alone trains as a task of its own). */
export function pick(
  d: Record<Task, pt.Dataset>,
  tasks: readonly Task[],
): Record<string, pt.Dataset> {
  return Object.fromEntries(tasks.map((t) => [t, d[t]]));
}

export function loadData(c: Campaign): ReproData {
  const all = pt.datasets.multiMnist({
    split: "train",
    seed: c.dataSeed,
    ...(c.trainLimit ? { limit: c.trainLimit } : {}),
  });
  const test = pt.datasets.multiMnist({
    split: "test",
    seed: c.dataSeed,
    ...(c.testLimit ? { limit: c.testLimit } : {}),
  });
  const { train, val } = splitGroup(
    { left: all.left, right: all.right },
    c.validationFraction,
    c.dataSeed,
  );
  return { train, val, test: { left: test.left, right: test.right } };
}
