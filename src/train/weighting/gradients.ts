/**
 * The shared machinery of Gram-based gradient strategies: methods whose update is a linear
 * combination `sum_i w_i g_i` of the task gradients with weights computed from inner products
 * of the gradients only. Such a strategy is a *solver* from the task gradients' rows (`Rows`:
 * the Gram matrix and a few exact products) to task weights, in float64 JavaScript; the [T, P]
 * gradients stay on the device and are touched for one Gram matmul, the products a solver asks
 * for, and one combination. The same solver runs on host float64 rows in `weighting.aggregate`,
 * and its weights serve the representation-gradient mode (the loop combines the losses).
 * Tasks absent from a step are left out of the problem and get weight 0. A NaN or infinite
 * gradient is refused with a `NonFiniteGradientError` naming the task and the step.
 */
import * as tf from "@tensorflow/tfjs";
import { NonFiniteGradientError } from "../../errors.js";
import { combineRows, gramMatrix } from "../../util/gram.js";
import type { Matrix } from "../../util/linalg.js";
import { type Rows, SubRows, TensorRows } from "./rows.js";
import type {
  GradientExtras,
  GradientWeightingInstance,
  WeightingContext,
  WeightingNeeds,
} from "./types.js";

export { combineRows, gramMatrix };

/** A solver's answer on the active tasks. */
export interface Solution {
  readonly w: readonly number[];
  /** The optimality certificate's residual (logged per epoch as `weighting/residual`, max). */
  readonly residual?: number;
  /** Named events of this step (logged per epoch as `weighting/<event>`, share of steps). */
  readonly events?: readonly string[];
  /** Factor on each active task's own head gradient (see `GradientCombination.headScale`). */
  readonly headScale?: readonly number[];
}

/**
 * Task weights from the active tasks' gradient rows (`rows.count` of them) and their losses.
 * `tasks` maps each row to its index in the full task order (for strategies with per-task
 * state); `samples` are the further independent batches' rows (MoDo, SDMGrad).
 */
export type RowsSolver = (
  rows: Rows,
  losses: Float32Array,
  ctx: WeightingContext,
  tasks: readonly number[],
  samples: readonly Rows[],
) => Solution | readonly number[] | Promise<Solution | readonly number[]>;

function asSolution(s: Solution | readonly number[]): Solution {
  return Array.isArray(s) ? { w: s as readonly number[] } : (s as Solution);
}

/** Throws a NonFiniteGradientError if an active task's gradient row is not finite. */
export async function checkFiniteRows(
  rows: Rows,
  ctx: WeightingContext,
  what = "gradient",
): Promise<Matrix> {
  const gram = await rows.gram();
  const bad = ctx.active.findIndex((a, i) => a && !Number.isFinite(gram[i][i]));
  if (bad < 0) return gram;
  let finiteEntries = false;
  if (rows instanceof TensorRows) {
    const probe = tf.tidy(() => tf.isFinite(rows.tensor.slice([bad, 0], [1, -1])).all());
    finiteEntries = (await probe.data())[0] === 1;
    probe.dispose();
  }
  const task = ctx.tasks[bad];
  throw new NonFiniteGradientError(
    finiteEntries
      ? `Task "${task}": the squared norm of its ${what} overflows float32 (${gram[bad][bad]}) at step ${ctx.step}.`
      : `Task "${task}": its ${what} holds a NaN or infinite value at step ${ctx.step}.`,
    { task, field: what, value: gram[bad][bad], expected: "a finite gradient" },
  );
}

/** Runs `solve` on the active tasks only; absent tasks get weight 0. */
export async function solveActive(
  solve: RowsSolver,
  rows: Rows,
  losses: Float32Array,
  ctx: WeightingContext,
  samples: readonly Rows[] = [],
): Promise<Solution> {
  await checkFiniteRows(rows, ctx);
  for (const s of samples) await checkFiniteRows(s, ctx);
  const idx = ctx.active.flatMap((a, i) => (a ? [i] : []));
  const t = rows.count;
  if (idx.length === 0) return { w: new Array<number>(t).fill(0) };
  const all = idx.length === t;
  const sub = all ? rows : new SubRows(rows, idx);
  const subSamples = all ? samples : samples.map((s) => new SubRows(s, idx));
  const sol = asSolution(
    await solve(
      sub,
      Float32Array.from(idx, (i) => losses[i]),
      ctx,
      idx,
      subSamples,
    ),
  );
  const w = new Array<number>(t).fill(0);
  const head = sol.headScale ? new Array<number>(t).fill(1) : undefined;
  idx.forEach((i, k) => {
    w[i] = sol.w[k];
    if (head && sol.headScale) head[i] = sol.headScale[k];
  });
  for (const x of w)
    if (!Number.isFinite(x))
      throw new NonFiniteGradientError(
        `The weighting solver produced a non-finite weight (${x}) at step ${ctx.step}.`,
        { field: "weights", value: x, expected: "finite weights" },
      );
  return { ...sol, w, ...(head ? { headScale: head } : {}) };
}

/** Per-epoch log accumulation: the largest residual and the share of steps with each event. */
export class SolverLog {
  private steps = 0;
  private residual = 0;
  private readonly events = new Map<string, number>();

  add(s: Solution): void {
    this.steps++;
    if (s.residual !== undefined) this.residual = Math.max(this.residual, s.residual);
    for (const e of s.events ?? []) this.events.set(e, (this.events.get(e) ?? 0) + 1);
  }

  flush(hasResidual: boolean): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.steps > 0) {
      if (hasResidual) out["weighting/residual"] = this.residual;
      for (const [e, n] of this.events) out[`weighting/${e}`] = n / this.steps;
    }
    this.steps = 0;
    this.residual = 0;
    this.events.clear();
    return out;
  }
}

export interface GradientInstanceArgs {
  solve: RowsSolver;
  /** Independent batches per step. Defaults to 1. */
  samples?: number;
  /** Whether the solver reports a certificate residual (logged). */
  certified?: boolean;
  getState?: () => unknown;
  setState?: (state: unknown) => void;
}

/** A gradient instance whose solver can also run on host rows (`weighting.aggregate`). */
export interface RowsInstance extends GradientWeightingInstance {
  solveRows(
    rows: Rows,
    losses: Float32Array,
    ctx: WeightingContext,
    samples?: readonly Rows[],
  ): Promise<Solution>;
}

/**
 * A `WeightingInstance` for a rows solver. `combineGradients` returns a new [P] tensor that
 * the caller owns; it never disposes `grads`.
 */
export function gradientInstance(
  needs: Exclude<WeightingNeeds, "losses" | "representationTransform">,
  args: GradientInstanceArgs,
): RowsInstance {
  const log = new SolverLog();
  const solveRows = async (
    rows: Rows,
    losses: Float32Array,
    ctx: WeightingContext,
    samples: readonly Rows[] = [],
  ) => {
    const s = await solveActive(args.solve, rows, losses, ctx, samples);
    log.add(s);
    return s;
  };
  return {
    needs,
    variables: [],
    ...(args.samples && args.samples > 1 ? { samples: args.samples } : {}),
    solveRows,
    async combineGradients(grads, losses, ctx, extras?: GradientExtras) {
      const samples = (extras?.samples ?? []).map((s) => new TensorRows(s));
      // multi-sample methods take their direction on the first batch (whose losses are logged)
      const s = await solveRows(new TensorRows(grads), losses, ctx, samples);
      return {
        grad: combineRows(grads, s.w),
        weights: s.w,
        ...(s.headScale ? { headScale: s.headScale } : {}),
      };
    },
    flushLogs: () => log.flush(args.certified ?? false),
    getState: args.getState ?? (() => ({})),
    setState: args.setState ?? (() => {}),
    dispose: () => {},
  };
}
