/**
 * One forward pass, several backward passes. TensorFlow.js's public gradient functions
 * (`tf.grads`, `tf.variableGrads`) record a tape, run one backward pass and drop the tape, so K
 * per-task gradients cost K forward passes. `recordTape` runs the forward once with the engine's
 * tape on and keeps it; `backward(y, xs, dy)` then walks it in reverse as often as needed (what
 * PyTorch calls `retain_graph`), for a scalar task loss or for any recorded tensor with a given
 * upstream gradient (e.g. the shared representation with the weighted sum of the tasks'
 * gradients). `dispose()` frees what the tape saved for the backward passes.
 *
 * This uses the engine's tape (`startTape`/`endTape`, `state.activeTape`, the nodes' `gradient`
 * closures) of @tensorflow/tfjs-core 4.22, pinned in package.json; `tapeSupported()` checks that
 * the internals are there (test/train/tape.test.ts compares every result with `tf.grads`), and
 * callers fall back to one `tf.variableGrads` per task when they are not.
 */
import * as tf from "@tensorflow/tfjs";

interface TapeNode {
  id: number;
  kernelName: string;
  outputs: tf.Tensor[];
  inputs: Record<string, tf.Tensor>;
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  tidy<T extends tf.TensorContainer>(name: string, f: () => T): T;
}

function engine(): EngineInternals {
  return tf.engine() as unknown as EngineInternals;
}

/** Whether this TensorFlow.js exposes the tape internals `recordTape` needs. */
export function tapeSupported(): boolean {
  const e = engine() as Partial<EngineInternals>;
  return (
    typeof e.startTape === "function" &&
    typeof e.endTape === "function" &&
    typeof e.scopedRun === "function" &&
    typeof e.state === "object" &&
    e.state !== null &&
    typeof e.state.gradientDepth === "number"
  );
}

export interface Tape {
  /**
   * Gradients of `y` (a tensor the forward produced) w.r.t. `xs`, with upstream gradient `dy`
   * (ones of y's shape by default). An x that `y` does not depend on gets `undefined`. The
   * returned tensors are the caller's.
   */
  backward(y: tf.Tensor, xs: readonly tf.Tensor[], dy?: tf.Tensor): (tf.Tensor | undefined)[];
  /**
   * The same for several seeds at once: the gradients of `sum_s <seed.y, seed.dy>` (one pass
   * over the tape; with one seed it is `backward`).
   */
  backwardMany(
    seeds: readonly { y: tf.Tensor; dy?: tf.Tensor }[],
    xs: readonly tf.Tensor[],
  ): (tf.Tensor | undefined)[];
  /** Frees the tensors the forward saved for backward passes. */
  dispose(): void;
}

/**
 * The nodes on some path from one of `xs` to `y`, in recorded (topological) order, and the ids of
 * the tensors that depend on `xs` (only their gradients are computed).
 */
function pathNodes(
  tape: readonly TapeNode[],
  xs: readonly tf.Tensor[],
  ys: readonly tf.Tensor[],
): { nodes: TapeNode[]; fromX: Set<number> } {
  const fromX = new Set<number>(xs.map((x) => x.id));
  const reachable = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      reachable.add(node.id);
      for (const o of node.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set<number>(ys.map((y) => y.id));
  const leads = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => toY.has(o.id))) {
      leads.add(node.id);
      for (const t of Object.values(node.inputs)) toY.add(t.id);
    }
  }
  return { nodes: tape.filter((n) => reachable.has(n.id) && leads.has(n.id)), fromX };
}

/**
 * Runs `f` once with the tape on. The tensors `f` returns are kept (the caller disposes them);
 * intermediates are freed as by `tf.tidy`, except what the tape saved for backward passes.
 */
export function recordTape<T>(f: () => T): { value: T; tape: Tape } {
  const e = engine();
  if (e.state.gradientDepth !== 0)
    throw new Error("internal: recordTape cannot nest inside another gradient computation");
  const value = e.scopedRun(
    () => e.startTape(),
    () => e.endTape(),
    // tidy keeps every tensor found in the returned value (objects and arrays are walked)
    () => e.tidy("forward", f as unknown as () => tf.TensorContainer) as unknown as T,
  );
  const nodes = e.state.activeTape ?? [];
  // detach the tape from the engine: the next gradient computation starts a fresh one
  e.state.activeTape = null;
  let disposed = false;
  const backwardMany: Tape["backwardMany"] = (seeds, xs) => {
    if (disposed) throw new Error("internal: backward on a disposed tape");
    const { nodes: path, fromX } = pathNodes(
      nodes,
      xs,
      seeds.map((s) => s.y),
    );
    return tf.tidy(() => {
      const grads = new Map<number, tf.Tensor>();
      for (const { y, dy } of seeds) {
        const seed = dy ?? tf.onesLike(y);
        const prev = grads.get(y.id);
        grads.set(y.id, prev ? tf.add(prev, seed) : seed);
      }
      for (let i = path.length - 1; i >= 0; i--) {
        const node = path[i];
        const dys = node.outputs.map((o) => grads.get(o.id) ?? null);
        if (dys.every((d) => d === null)) continue;
        if (!node.gradient)
          throw new Error(`Cannot compute gradient: no gradient function for ${node.kernelName}.`);
        const inputGrads = node.gradient(dys);
        for (const [name, x] of Object.entries(node.inputs)) {
          const g = inputGrads[name];
          // only inputs that depend on xs: no gradient for data, labels or constants
          if (!g || !fromX.has(x.id)) continue;
          const dx = g();
          const prev = grads.get(x.id);
          grads.set(x.id, prev ? tf.add(prev, dx) : dx);
        }
      }
      return xs.map((x) => grads.get(x.id)) as tf.Tensor[];
    });
  };
  return {
    value,
    tape: {
      backward(y, xs, dy) {
        return backwardMany([{ y, dy }], xs);
      },
      backwardMany,
      dispose() {
        if (disposed) return;
        disposed = true;
        for (const n of nodes) for (const t of n.saved ?? []) t.dispose();
      },
    },
  };
}
