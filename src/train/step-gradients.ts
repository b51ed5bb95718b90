/**
 * The step functions of gradient-based strategies (step.ts picks one by `needs`). Each records
 * the step's forward once (util/tape.ts: one representation per sampling unit, forward.ts) and
 * walks it backward once per task:
 * - "sharedGradients": each task's gradient of the shared parameters, [T, P] rows for
 *   `combineGradients`, per independent batch when the strategy asks for `samples` of them
 *   (MoDo, SDMGrad); task-specific parameters (heads, adapters, gates) get their own task's
 *   gradient, averaged over the batches and scaled by the combination's `headScale` when it
 *   gives one. A strategy's `transformLoss` (IMTL-L, DB-MTL) is applied on the tape, and its
 *   variables get the gradients summed over tasks.
 * - "representationGradients" (MGDA-UB, Sener & Koltun 2018, Algorithm 2): on one task group with
 *   one shared representation Z of its batch, each task's gradient w.r.t. Z ([T, B*D]) goes to
 *   `combineGradients`; Z's gradient is then `sum_i w_i dL_i/dZ`, backpropagated once through
 *   the backbone, and each head gets its own task's unweighted gradient.
 * - "representationTransform" (GradDrop): each task's per-sample gradient of its representation
 *   ([B, D]) is rewritten by the strategy and backpropagated into the backbone instead (a group's
 *   members' rewritten gradients summed on their one representation); heads get their own task's
 *   gradient.
 */
import * as tf from "@tensorflow/tfjs";
import type { Step } from "../data/types.js";
import { ConfigError } from "../errors.js";
import { type Tape, recordTape, tapeSupported } from "../util/tape.js";
import { bankGradients, soleBank } from "./bank-gradients.js";
import {
  type BankedForward,
  type ForwardResult,
  type LossSource,
  forwardLosses,
  releaseForward,
} from "./forward.js";
import {
  type Outcome,
  type StepFn,
  type TaskOutput,
  type Work,
  accumulate,
  disposeOutputs,
  extraStep,
  forwardArgs,
  ownParams,
} from "./step-common.js";
import type {
  GradientWeightingInstance,
  RepresentationTransformInstance,
  WeightingInstance,
} from "./weighting/types.js";

function requireTape(): void {
  if (!tapeSupported())
    throw new Error(
      "internal: this TensorFlow.js lacks the gradient-tape internals polytask records the forward pass with (src/util/tape.ts); polytask pins @tensorflow/tfjs 4.22.0",
    );
}

/**
 * Records the forward of `step` with each present task's loss as a backward source: the raw
 * loss (or a head bank's loss vector with a one-hot upstream gradient), or, with `transform`, the
 * transformed scalar loss.
 */
function recordForward(
  w: Work<WeightingInstance>,
  step: Step,
  outputs: Record<string, TaskOutput>,
  transform?: GradientWeightingInstance["transformLoss"],
) {
  requireTape();
  return recordTape(() => {
    const f = forwardLosses(forwardArgs(w, { step, outputs }));
    if (!transform) return { f, sources: f.sources };
    const sources = f.sources.map((s, i): LossSource | undefined => {
      if (!s) return undefined;
      const scalar = (s.dy ? tf.sum(tf.mul(s.y, s.dy)) : s.y) as tf.Scalar;
      return { y: transform(scalar, i, w.ctx) };
    });
    return { f, sources };
  });
}

function releaseSources(f: ForwardResult, sources: readonly (LossSource | undefined)[]): void {
  releaseForward(f);
  if (sources !== f.sources) for (const s of sources) s?.y.dispose();
}

interface TaskGradients {
  /** The raw [T] losses (the caller disposes). */
  losses: tf.Tensor1D;
  /** [T, P] shared gradients (absent tasks: zero rows); null with nothing shared. */
  G: tf.Tensor2D | null;
  /** Per task: its own parameters' gradients. */
  own: Map<tf.Variable, tf.Tensor>[];
  /** The instance's variables' gradients, summed over tasks. */
  vars: Map<tf.Variable, tf.Tensor>;
}

/** One recorded forward of `step`, one backward pass per present task. */
function taskGradients(
  w: Work<GradientWeightingInstance>,
  step: Step,
  outputs: Record<string, TaskOutput>,
): TaskGradients {
  const { a, instance } = w;
  const shared = a.trainable.filter((p) => p.shared).map((p) => p.variable);
  const ivars = [...instance.variables];
  const size = shared.reduce((s, v) => s + v.size, 0);
  const { value, tape } = recordForward(w, step, outputs, instance.transformLoss?.bind(instance));
  const { f, sources } = value;
  const rows: tf.Tensor1D[] = [];
  const out: TaskGradients = { losses: f.stacked, G: null, own: [], vars: new Map() };
  try {
    a.tasks.forEach((t, i) => {
      const own = new Map<tf.Variable, tf.Tensor>();
      out.own.push(own);
      const src = sources[i];
      if (!w.present[i] || !src) {
        rows.push(tf.zeros([size]));
        return;
      }
      const mine = ownParams(a.trainable, t);
      const gs = tape.backward(src.y, [...shared, ...mine, ...ivars], src.dy);
      mine.forEach((v, k) => {
        const g = gs[shared.length + k];
        if (g) accumulate(own, v, g);
      });
      ivars.forEach((v, k) => {
        const g = gs[shared.length + mine.length + k];
        if (g) accumulate(out.vars, v, g);
      });
      const sharedGrads = gs.slice(0, shared.length);
      rows.push(
        tf.tidy(() =>
          shared.length === 0
            ? tf.zeros([0])
            : tf.concat(shared.map((v, k) => (sharedGrads[k] ?? tf.zerosLike(v)).reshape([-1]))),
        ) as tf.Tensor1D,
      );
      for (const g of sharedGrads) g?.dispose();
    });
    if (shared.length > 0) out.G = tf.stack(rows) as tf.Tensor2D;
    return out;
  } catch (e) {
    f.stacked.dispose();
    throw e;
  } finally {
    tape.dispose();
    for (const r of rows) r.dispose();
    releaseSources(f, sources);
  }
}

function disposeGradients(g: TaskGradients): void {
  g.G?.dispose();
  for (const m of g.own) for (const x of m.values()) x.dispose();
  for (const x of g.vars.values()) x.dispose();
}

export const sharedStep: StepFn<GradientWeightingInstance> = async (w) => {
  const { a, instance } = w;
  const samples = Math.max(1, instance.samples ?? 1);
  const main = taskGradients(w, a.step, w.outputs);
  const extra: TaskGradients[] = [];
  try {
    for (let k = 1; k < samples; k++) {
      const scratch: Record<string, TaskOutput> = {};
      const g = taskGradients(w, extraStep(a.step, a.tasks, k - 1), scratch);
      disposeOutputs(scratch);
      g.losses.dispose();
      extra.push(g);
    }
    const losses = main.losses;
    // the instance's own variables (IMTL-L's loss scales)
    for (const [v, g] of main.vars) w.grads.set(v, g);
    main.vars.clear();
    // each task's own gradient, the mean over its batches, times the combination's head scale;
    // a head bank gathers its members' contributions
    const setOwn = (scale?: readonly number[]) =>
      a.tasks.forEach((_, i) => {
        for (const [v, g] of main.own[i]) {
          const parts = [g, ...extra.flatMap((e) => e.own[i].get(v) ?? [])];
          const s = (scale?.[i] ?? 1) / parts.length;
          accumulate(
            w.grads,
            v,
            tf.tidy(() => tf.mul(parts.length > 1 ? tf.addN(parts) : g, s)),
          );
        }
      });
    // nothing shared to balance (a frozen backbone): every task keeps its own gradient
    if (!main.G) {
      setOwn();
      return { losses, weights: w.present.map((p) => (p ? 1 : 0)) };
    }
    const c = await instance
      .combineGradients(main.G, (await losses.data()) as Float32Array, w.ctx, {
        samples: extra.map((e) => e.G as tf.Tensor2D),
      })
      .catch((e) => {
        losses.dispose();
        throw e;
      });
    setOwn(c.headScale);
    let off = 0;
    for (const p of a.trainable.filter((q) => q.shared)) {
      const v = p.variable;
      const o = off;
      w.grads.set(
        v,
        tf.tidy(() => c.grad.slice(o, v.size).reshape(v.shape)),
      );
      off += v.size;
    }
    c.grad.dispose();
    return { losses, weights: c.weights };
  } finally {
    disposeGradients(main);
    for (const e of extra) disposeGradients(e);
  }
};

/** The group's one shared representation of the step, or a ConfigError. */
function sharedRepresentation(w: Work<WeightingInstance>): string[] {
  const { a } = w;
  const present = a.tasks.filter((_, i) => w.present[i]);
  const x = a.step[present[0]]?.x;
  if (!present.every((t) => a.step[t]?.x === x) || !a.net.sharesRepresentation(present))
    throw new ConfigError(
      `Representation-level gradients need one shared representation of one batch, but tasks ${present.join(", ")} do not share one (different inputs, or task-specific mixtures). Use { mode: "shared" }.`,
      { field: "weighting.mode", value: "representation", expected: '"shared"' },
    );
  return present;
}

export const representationStep: StepFn<GradientWeightingInstance> = async (w) => {
  const { a, instance } = w;
  const present = sharedRepresentation(w);
  const shared = a.trainable.filter((p) => p.shared).map((p) => p.variable);
  const { value, tape } = recordForward(
    w,
    a.step,
    w.outputs,
    instance.transformLoss?.bind(instance),
  );
  const { f, sources } = value;
  let G: tf.Tensor2D | undefined;
  try {
    const z = f.reps[present[0]];
    const bank = soleBank(f, a.net.banks, a.tasks, w.present);
    G = bank && bank.z === z ? bankRows(w, tape, sources, bank) : taskRows(w, tape, sources, z);
    const c = await instance.combineGradients(G, (await f.stacked.data()) as Float32Array, w.ctx);
    c.grad.dispose();
    const weights = c.weights ?? a.tasks.map((_, i) => (w.present[i] ? 1 : 0));
    if (shared.length > 0) {
      const rows = G;
      const dZ = tf.tidy(() =>
        tf.matMul(tf.tensor2d([...weights], [1, weights.length]), rows).reshape(z.shape),
      );
      const gs = tape.backward(z, shared, dZ);
      dZ.dispose();
      shared.forEach((v, k) => {
        const g = gs[k];
        if (g) accumulate(w.grads, v, g);
      });
    }
    return { losses: f.stacked, weights };
  } catch (e) {
    f.stacked.dispose();
    throw e;
  } finally {
    G?.dispose();
    tape.dispose();
    releaseSources(f, sources);
  }
};

/**
 * [T, size of Z] rows dL_i/dZ, one backward pass per present task (absent tasks: zero rows);
 * Algorithm 2: each head gets its own task's gradient, the instance's variables theirs summed.
 */
function taskRows(
  w: Work<GradientWeightingInstance>,
  tape: Tape,
  sources: readonly (LossSource | undefined)[],
  z: tf.Tensor,
): tf.Tensor2D {
  const { a, instance } = w;
  const ivars = [...instance.variables];
  const dz: (tf.Tensor | undefined)[] = [];
  try {
    a.tasks.forEach((t, i) => {
      const src = sources[i];
      if (!w.present[i] || !src) return dz.push(undefined);
      const mine = ownParams(a.trainable, t);
      const gs = tape.backward(src.y, [z, ...mine, ...ivars], src.dy);
      mine.forEach((v, k) => {
        const g = gs[1 + k];
        if (g) accumulate(w.grads, v, g);
      });
      ivars.forEach((v, k) => {
        const g = gs[1 + mine.length + k];
        if (g) accumulate(w.grads, v, g);
      });
      dz.push(gs[0] ?? tf.zerosLike(z));
    });
    return tf.tidy(
      () => tf.stack(dz.map((g) => (g ? g.reshape([-1]) : tf.zeros([z.size])))) as tf.Tensor2D,
    );
  } finally {
    for (const g of dz) g?.dispose();
  }
}

/** The same rows when the present tasks are one head bank: one backward pass for all. */
function bankRows(
  w: Work<GradientWeightingInstance>,
  tape: Tape,
  sources: readonly (LossSource | undefined)[],
  b: BankedForward,
): tf.Tensor2D {
  const { a, instance } = w;
  const seeds = sources.flatMap((s, i) => (w.present[i] && s ? [s] : []));
  const bank = a.net.banks[b.bank];
  const { G, params } = bankGradients(
    tape,
    b,
    bank,
    seeds,
    a.trainable,
    instance.variables,
    a.tasks,
  );
  for (const [v, g] of params) accumulate(w.grads, v, g);
  return G;
}

export const representationTransformStep: StepFn<RepresentationTransformInstance> = async (
  w,
): Promise<Outcome> => {
  const { a, instance } = w;
  const shared = a.trainable.filter((p) => p.shared).map((p) => p.variable);
  const { value, tape } = recordForward(w, a.step, w.outputs);
  const { f } = value;
  const grads: (tf.Tensor2D | null)[] = [];
  const reps: (tf.Tensor2D | null)[] = [];
  let targets: (tf.Tensor2D | null)[] = [];
  try {
    a.tasks.forEach((t, i) => {
      const src = f.sources[i];
      const r = f.reps[t];
      if (!w.present[i] || !src || !r) {
        grads.push(null);
        reps.push(null);
        return;
      }
      const mine = ownParams(a.trainable, t);
      const gs = tape.backward(src.y, [r, ...mine], src.dy);
      mine.forEach((v, k) => {
        const g = gs[1 + k];
        if (g) accumulate(w.grads, v, g);
      });
      const n = r.shape[0] as number;
      const dr = gs[0] ?? tf.zerosLike(r);
      grads.push(dr.reshape([n, -1]) as tf.Tensor2D);
      dr.dispose();
      reps.push(r.reshape([n, -1]) as tf.Tensor2D);
    });
    targets = await instance.transformGradients(grads, reps, w.ctx);
    // each representation gets its tasks' rewritten gradients (a group's members: summed)
    const byRep = new Map<tf.Tensor, tf.Tensor[]>();
    a.tasks.forEach((t, i) => {
      const target = targets[i];
      const r = f.reps[t];
      if (!target || !r) return;
      byRep.set(r, [...(byRep.get(r) ?? []), target]);
    });
    for (const [r, parts] of byRep) {
      if (shared.length === 0) break;
      const up = tf.tidy(() => (parts.length > 1 ? tf.addN(parts) : parts[0]).reshape(r.shape));
      const gs = tape.backward(r, shared, up);
      up.dispose();
      shared.forEach((v, k) => {
        const g = gs[k];
        if (g) accumulate(w.grads, v, g);
      });
    }
    return { losses: f.stacked, weights: null };
  } catch (e) {
    f.stacked.dispose();
    throw e;
  } finally {
    tape.dispose();
    for (const t of [...grads, ...reps, ...targets]) t?.dispose();
    releaseForward(f);
  }
};
