/**
 * Task affinity (Fifty et al. 2021, "Efficiently Identifying Task Groupings"): cell (i, j) is
 * how much a step on task i lowers task j's loss, relative to j's loss. Positive = i helps j.
 * The matrix is not symmetric, so rows and columns are labelled by role.
 */
import type { EpochLog } from "../train/events.js";
import { type Figure, emptyFigure, makeFigure } from "./figure.js";
import { cleanMatrix, matrixAxes, matrixTrace, pairTasks } from "./heatmap.js";

export interface AffinityArgs {
  readonly title?: string;
}

export function affinityFigure(
  tasks: readonly string[],
  matrix: readonly (readonly number[])[],
  args: AffinityArgs = {},
): Figure {
  const title = args.title ?? "Task affinity";
  if (tasks.length === 0 || matrix.length === 0) {
    return emptyFigure(title, "No task-affinity values recorded.");
  }
  const z = cleanMatrix(matrix);
  let maxAbs = 0;
  for (const row of z) for (const v of row) if (v !== null) maxAbs = Math.max(maxAbs, Math.abs(v));
  const range = maxAbs > 0 ? maxAbs : 1;
  const trace = matrixTrace(tasks, z, {
    zmin: -range,
    zmax: range,
    colorbar: "affinity",
    hover: "step on %{y} → %{x}: %{z:.3g}<extra></extra>",
  });
  return makeFigure([trace], {
    ...matrixAxes("task whose loss changes (target)", "task stepped on (source)"),
    title: { text: `${title}<br><sup>row helps column when positive (blue)</sup>` },
    height: Math.min(900, 380 + 28 * tasks.length),
    width: Math.min(1000, 460 + 28 * tasks.length),
  });
}

/** The affinity matrix from `affinity/<source>/<target>` keys of the last epoch that has them. */
export function affinityFromHistory(
  history: readonly EpochLog[],
  tasks?: readonly string[],
): { tasks: string[]; matrix: number[][] } {
  const names = tasks ? [...tasks] : pairTasks(history, "affinity");
  for (let e = history.length - 1; e >= 0; e--) {
    const log = history[e]!;
    if (!Object.keys(log).some((k) => k.startsWith("affinity/"))) continue;
    // Affinity is directed: read only `affinity/<row>/<col>`.
    const m = names.map((a) =>
      names.map((b) => {
        const v = log[`affinity/${a}/${b}`];
        return v !== undefined && Number.isFinite(v) ? v : Number.NaN;
      }),
    );
    return { tasks: names, matrix: m };
  }
  return { tasks: names, matrix: [] };
}
