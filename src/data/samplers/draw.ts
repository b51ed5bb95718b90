/** Draws one task from a categorical distribution over tasks (inverse CDF, task order). */
import type { Random } from "../../util/random.js";

export function drawTask<T extends string>(
  tasks: readonly T[],
  probabilities: Readonly<Record<string, number>>,
  random: Random,
): T {
  let u = random.next();
  for (const t of tasks) {
    u -= probabilities[t];
    if (u < 0) return t;
  }
  return tasks[tasks.length - 1];
}
