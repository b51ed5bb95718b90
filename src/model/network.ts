/**
 * A built model: variables plus per-task forward functions. Built from a `ModelDef` for one
 * fit (or one evaluation) and disposed afterwards; the builder values stay tensor-free.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../errors.js";
import { Random } from "../util/random.js";
import { makeAdapter } from "./adapters.js";
import type { BuiltArchitecture } from "./arch/types.js";
import type { Head } from "./heads/types.js";
import { applyDropout } from "./layers/dropout.js";
import {
  type ForwardContext,
  type Module,
  type Param,
  ParamFactory,
  type Part,
  type Shape,
} from "./params.js";
import type { FreezeOp, ModelDef, WeightMap } from "./spec.js";

/** A seed per parameter prefix, so adding a head never changes the backbone's initial values. */
function prefixSeed(seed: number, prefix: string): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < prefix.length; i++) h = Math.imul(h ^ prefix.charCodeAt(i), 16777619);
  return h >>> 0;
}

function glob(pattern: string): RegExp {
  const esc = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${esc}$`);
}

export function matchesTarget(p: Param, target: string): boolean {
  if (target === "backbone" || target === "arch") return p.part === target;
  if (target.startsWith("head:") || target.startsWith("adapter:")) return p.part === target;
  if (p.task === target) return true;
  return glob(target).test(p.name);
}

export function isFrozen(p: Param, ops: readonly FreezeOp[]): boolean {
  let frozen = false;
  for (const op of ops) if (matchesTarget(p, op.target)) frozen = op.op === "freeze";
  return frozen;
}

export class Network {
  private constructor(
    readonly def: ModelDef,
    readonly params: readonly Param[],
    private readonly arch: BuiltArchitecture,
    private readonly heads: ReadonlyMap<string, { head: Head; module: Module; adapter?: Module }>,
  ) {}

  static async build(def: ModelDef, seed: number): Promise<Network> {
    if (!def.backbone)
      throw new ConfigError("The model has no backbone: call .backbone(b) before fit.", {
        field: "backbone",
      });
    const params: Param[] = [];
    const factory = (prefix: string, part: Part, opts: { task?: string } = {}) =>
      new ParamFactory(
        prefix,
        part,
        new Random(prefixSeed(seed, prefix)),
        opts.task === undefined,
        params,
        opts.task,
      );
    const backbone = def.backbone;
    try {
      const arch = await def.architecture.build({
        backbone,
        inputShape: def.input,
        tasks: def.heads.map((h) => h.name),
        factory,
      });
      const heads = new Map<string, { head: Head; module: Module; adapter?: Module }>();
      for (const e of def.heads) {
        const adapter =
          e.input && !sameShape(e.input, def.input)
            ? makeAdapter(
                e.name,
                e.input,
                def.input,
                e.adapter,
                factory(`adapter/${e.name}`, `adapter:${e.name}`, { task: e.name }),
              )
            : undefined;
        const module = e.head.build(
          arch.outputShape,
          factory(`head/${e.name}`, `head:${e.name}`, { task: e.name }),
        );
        heads.set(e.name, { head: e.head, module, adapter });
      }
      const net = new Network(def, params, arch, heads);
      if (def.weights) net.load(def.weights);
      return net;
    } catch (err) {
      for (const p of params) p.variable.dispose();
      throw err;
    }
  }

  get tasks(): string[] {
    return [...this.heads.keys()];
  }

  get representationShape(): Shape {
    return this.arch.outputShape;
  }

  head(task: string): Head {
    const h = this.heads.get(task);
    if (!h)
      throw new ConfigError(`Unknown task "${task}". Known tasks: ${this.tasks.join(", ")}.`, {
        task,
      });
    return h.head;
  }

  /** The shared representation of `x` for `task` (after the task's input adapter). */
  represent(task: string, x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const h = this.heads.get(task);
    if (!h)
      throw new ConfigError(`Unknown task "${task}". Known tasks: ${this.tasks.join(", ")}.`, {
        task,
      });
    const input = h.adapter ? h.adapter.apply(x, ctx) : x;
    return this.arch.represent(task, input, ctx);
  }

  /**
   * The representations of several tasks of one input (a task group): what the architecture
   * shares is computed once; tasks with their own input adapter are computed apart.
   */
  representUnit(
    tasks: readonly string[],
    x: tf.Tensor,
    ctx: ForwardContext,
  ): Record<string, tf.Tensor> {
    const plain = tasks.filter((t) => !this.entry(t).adapter);
    const out: Record<string, tf.Tensor> = {};
    if (plain.length > 1 && this.arch.representMany)
      Object.assign(out, this.arch.representMany(plain, x, ctx));
    else for (const t of plain) out[t] = this.arch.represent(t, x, ctx);
    for (const t of tasks) if (!(t in out)) out[t] = this.represent(t, x, ctx);
    return out;
  }

  /**
   * true when the tasks' representations of one input are one tensor (hard sharing, no input
   * adapters): the premise of representation-level gradient methods such as MGDA-UB.
   */
  sharesRepresentation(tasks: readonly string[]): boolean {
    return this.arch.sharedRepresentation === true && tasks.every((t) => !this.entry(t).adapter);
  }

  private entry(task: string): { head: Head; module: Module; adapter?: Module } {
    const h = this.heads.get(task);
    if (!h)
      throw new ConfigError(`Unknown task "${task}". Known tasks: ${this.tasks.join(", ")}.`, {
        task,
      });
    return h;
  }

  /** Raw head outputs from a representation; `dropout` is applied to the representation first. */
  headOutput(task: string, rep: tf.Tensor, ctx: ForwardContext, dropout = 0): tf.Tensor {
    const h = this.heads.get(task);
    if (!h) throw new ConfigError(`Unknown task "${task}".`, { task });
    return h.module.apply(applyDropout(rep, dropout, ctx), ctx);
  }

  forward(task: string, x: tf.Tensor, ctx: ForwardContext, dropout = 0): tf.Tensor {
    return this.headOutput(task, this.represent(task, x, ctx), ctx, dropout);
  }

  /** Parameters the optimizer updates: trainable and not frozen. */
  trainableParams(): Param[] {
    return this.params.filter((p) => p.trainable && !isFrozen(p, this.def.freeze));
  }

  /** Every parameter's values (one asynchronous read per parameter, issued together). */
  async snapshot(): Promise<WeightMap> {
    const values = await Promise.all(this.params.map((p) => p.variable.data()));
    const m = new Map<string, { shape: number[]; values: Float32Array }>();
    this.params.forEach((p, i) =>
      m.set(p.name, {
        shape: [...p.variable.shape],
        values: Float32Array.from(values[i] as Float32Array),
      }),
    );
    return m;
  }

  /** Assigns the values in `w` to parameters of the same name (others keep their values). */
  load(w: WeightMap): void {
    for (const p of this.params) {
      const v = w.get(p.name);
      if (!v) continue;
      if (!sameShape(v.shape, p.variable.shape))
        throw new ConfigError(
          `Weight "${p.name}" has shape [${v.shape}] in the saved weights but [${p.variable.shape}] in the model: the checkpoint is of another architecture.`,
          { field: p.name, value: v.shape, expected: `[${p.variable.shape}]` },
        );
      tf.tidy(() => p.variable.assign(tf.tensor(v.values.slice(), p.variable.shape)));
    }
  }

  dispose(): void {
    for (const p of this.params) if (!p.variable.isDisposed) p.variable.dispose();
  }
}

export function sameShape(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
