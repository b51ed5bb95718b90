/**
 * The training forward pass of one step: the step's batches grouped into sampling units by their
 * input tensor (the members of a task group share one), one representation per unit
 * (`Network.representUnit`: one backbone pass), then the heads: a head bank (heads/bank.ts) is
 * one matmul and one batched loss for all its members, other heads one each. Runs inside
 * whatever records it (a tape, `tf.variableGrads`).
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch, Step } from "../data/types.js";
import type { HeadBank } from "../model/heads/bank.js";
import { taskLoss } from "../model/loss.js";
import type { Network } from "../model/network.js";
import type { ForwardContext } from "../model/params.js";

export interface TaskOutput {
  /**
   * Predictions (kept; the caller disposes): [n, units], or for a bank member the bank's
   * [n * count, units] rows, sample-major, of which this task's are every `count`-th from `index`.
   */
  readonly pred: tf.Tensor;
  readonly batch: Batch;
  readonly column?: { readonly index: number; readonly count: number };
}

export interface ForwardArgs {
  readonly net: Network;
  readonly tasks: readonly string[];
  readonly step: Step;
  /** Which tasks (task order) take part (have labels). */
  readonly present: readonly boolean[];
  readonly ctx: ForwardContext;
  /** Dropout on the representation before every head. */
  readonly dropout: number;
  /** Receives each computed task's kept predictions. */
  readonly outputs: Record<string, TaskOutput>;
}

/** What to backpropagate for one task's loss alone: `y` with upstream gradient `dy`. */
export interface LossSource {
  readonly y: tf.Tensor;
  readonly dy?: tf.Tensor;
}

export interface ForwardResult {
  /** [T] losses, 0 for tasks that take no part. */
  readonly stacked: tf.Tensor1D;
  /** Per task (task order): its loss alone, for per-task backward passes; undefined if absent. */
  readonly sources: readonly (LossSource | undefined)[];
  /** Each computed task's representation (members of a hard-shared group: one tensor). */
  readonly reps: Readonly<Record<string, tf.Tensor>>;
  /**
   * Each head bank computed as one: its logits [n, K*U] on representation `z` and its members'
   * loss vector [K] (the per-task gradients of a representation come from these in one pass).
   */
  readonly banked: readonly BankedForward[];
}

export interface BankedForward {
  /** The bank's index in `net.banks` (not the bank itself: tidy walks returned objects). */
  readonly bank: number;
  readonly z: tf.Tensor;
  readonly logits: tf.Tensor2D;
  readonly losses: tf.Tensor1D;
}

/** The tasks with a batch grouped by their input tensor, in task order. */
export function stepUnits(
  tasks: readonly string[],
  step: Step,
): { x: tf.Tensor; tasks: string[] }[] {
  const units: { x: tf.Tensor; tasks: string[] }[] = [];
  for (const t of tasks) {
    const b = step[t];
    if (!b) continue;
    const u = units.find((v) => v.x === b.x);
    if (u) u.tasks.push(t);
    else units.push({ x: b.x, tasks: [t] });
  }
  return units;
}

/** A bank's members' labels and masks interleaved sample-major: row b*K + k is task k's sample b. */
function bankTargets(bank: HeadBank, step: Step): { y: tf.Tensor; mask: tf.Tensor2D } | undefined {
  const batches = bank.tasks.map((t) => step[t]);
  if (batches.some((b) => !b?.host)) return undefined;
  const k = bank.tasks.length;
  const n = (batches[0] as Batch).size;
  const per = bank.head.labelKind === "class" ? 1 : bank.units;
  const cls = bank.head.labelKind === "class";
  const y = cls ? new Int32Array(n * k) : new Float32Array(n * k * per);
  const mask = new Float32Array(n * k);
  batches.forEach((b, j) => {
    const host = (b as Batch).host as NonNullable<Batch["host"]>;
    for (let i = 0; i < n; i++) {
      mask[i * k + j] = host.mask ? host.mask[i] : 1;
      for (let u = 0; u < per; u++) y[(i * k + j) * per + u] = host.y[i * per + u];
    }
  });
  return {
    y: cls ? tf.tensor1d(y as Int32Array, "int32") : tf.tensor2d(y as Float32Array, [n * k, per]),
    mask: tf.tensor2d(mask, [n, k]),
  };
}

export function forwardLosses(a: ForwardArgs): ForwardResult {
  const T = a.tasks.length;
  const index = new Map(a.tasks.map((t, i) => [t, i]));
  const reps: Record<string, tf.Tensor> = {};
  const sources: (LossSource | undefined)[] = new Array(T).fill(undefined);
  // where each task's loss sits: a bank's loss vector at an index, or its own scalar
  const at: ({ src: tf.Tensor1D; i: number } | undefined)[] = new Array(T).fill(undefined);
  const fusable = a.dropout === 0 || !a.ctx.training;
  const banked: BankedForward[] = [];
  for (const u of stepUnits(a.tasks, a.step)) {
    Object.assign(reps, a.net.representUnit(u.tasks, u.x, a.ctx));
    const done = new Set<string>();
    // banks wholly in this unit, on one representation: one matmul and one loss for all members
    for (const [bankIndex, bank] of a.net.banks.entries()) {
      if (!fusable || !bank.tasks.every((t) => u.tasks.includes(t))) continue;
      const z = reps[bank.tasks[0]];
      if (!bank.tasks.every((t) => reps[t] === z)) continue;
      const targets = bankTargets(bank, a.step);
      if (!targets) continue;
      const k = bank.tasks.length;
      const n = u.x.shape[0] as number;
      const logits = bank.logits(z);
      const rows = logits.reshape([n * k, bank.units]);
      const l = bank.head.loss(rows, targets.y).reshape([n, k]);
      const lossK = tf.div(
        tf.sum(tf.mul(l, targets.mask), 0),
        tf.maximum(tf.sum(targets.mask, 0), 1),
      ) as tf.Tensor1D;
      const pred = tf.keep(bank.head.predict(rows));
      banked.push({ bank: bankIndex, z, logits, losses: lossK });
      bank.tasks.forEach((t, j) => {
        const i = index.get(t) as number;
        done.add(t);
        at[i] = { src: lossK, i: j };
        a.outputs[t] = { pred, batch: a.step[t] as Batch, column: { index: j, count: k } };
        if (a.present[i]) sources[i] = { y: lossK, dy: tf.oneHot(j, k).asType("float32") };
      });
    }
    for (const t of u.tasks) {
      const i = index.get(t) as number;
      if (done.has(t) || !a.present[i]) continue;
      const b = a.step[t] as Batch;
      const out = a.net.headOutput(t, reps[t], a.ctx, a.dropout);
      a.outputs[t] = { pred: tf.keep(a.net.head(t).predict(out)), batch: b };
      const loss = taskLoss(a.net.head(t), out, b);
      sources[i] = { y: loss };
      at[i] = { src: loss.reshape([1]) as tf.Tensor1D, i: 0 };
    }
  }
  return { stacked: assemble(at), sources, reps, banked };
}

/**
 * The [T] losses in task order from where they sit: runs of consecutive entries of one source
 * become one slice (a bank in task order: the bank's vector itself); tasks taking no part are 0.
 */
function assemble(at: readonly ({ src: tf.Tensor1D; i: number } | undefined)[]): tf.Tensor1D {
  const pieces: tf.Tensor1D[] = [];
  let t = 0;
  while (t < at.length) {
    const first = at[t];
    let end = t + 1;
    if (!first) {
      while (end < at.length && !at[end]) end++;
      pieces.push(tf.zeros([end - t]));
    } else {
      while (end < at.length && at[end]?.src === first.src && at[end]?.i === first.i + (end - t))
        end++;
      const n = end - t;
      pieces.push(n === first.src.size ? first.src : (first.src.slice(first.i, n) as tf.Tensor1D));
    }
    t = end;
  }
  return (pieces.length === 1 ? pieces[0] : tf.concat(pieces)) as tf.Tensor1D;
}

/** Disposes a recorded forward's tensors except its stacked losses (the step returns those). */
export function releaseForward(f: ForwardResult): void {
  const seen = new Set<tf.Tensor>([f.stacked]);
  const all = [
    ...f.sources.flatMap((s) => (s ? [s.y, ...(s.dy ? [s.dy] : [])] : [])),
    ...Object.values(f.reps),
    ...f.banked.flatMap((b) => [b.logits, b.losses]),
  ];
  for (const t of all) {
    if (seen.has(t)) continue;
    seen.add(t);
    t.dispose();
  }
}
