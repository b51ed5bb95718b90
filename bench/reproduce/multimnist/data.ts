/**
 * The reproduction's data: polytask's MultiMNIST (Sener & Koltun's construction), 60,000
 * training pairs with a fixed validation split held out of them (the same samples for every
 * configuration, seed and task: the split never depends on the run's seed) and the 10,000 test
 * pairs, which are only ever used for the final evaluation of the selected weights.
 * Two ablation variants change that (plan.ts): `normalized` normalises every input as the
 * released code does; `test-selected` trains on all 60,000 pairs and validates on the test pairs.
 */
import { splitGroup } from "../../../src/data/ops.js";
import * as pt from "../../../src/index.js";
import type { Campaign, Variant } from "./plan.js";
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

/** The released code's input normalisation (MNIST's pixel mean and std). */
export const RELEASED_NORMALIZE = { mean: 0.1307, std: 0.3081 } as const;

export function loadData(c: Campaign, variant: Variant = "paper"): ReproData {
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
  const testSet = { left: test.left, right: test.right };
  if (variant === "test-selected")
    return { train: { left: all.left, right: all.right }, val: testSet, test: testSet };
  const { train, val } = splitGroup(
    { left: all.left, right: all.right },
    c.validationFraction,
    c.dataSeed,
  );
  const out = { train, val, test: testSet };
  if (variant !== "normalized") return out;
  const norm = (d: Record<Task, pt.Dataset>): Record<Task, pt.Dataset> => ({
    left: pt.withTransforms(d.left, pt.transforms.normalize(RELEASED_NORMALIZE)),
    right: pt.withTransforms(d.right, pt.transforms.normalize(RELEASED_NORMALIZE)),
  });
  return { train: norm(out.train), val: norm(out.val), test: norm(out.test) };
}
