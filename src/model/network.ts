/**
 * A built model: variables plus per-task forward functions. Built from a `ModelDef` for one
 * fit (or one evaluation) and disposed afterwards; the builder values stay tensor-free.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../errors.js";
import { Random } from "../util/random.js";
import { makeAdapter } from "./adapters.js";
import type { BuiltArchitecture } from "./arch/types.js";
import { type HeadBank, denseHeadParams, joinBank, makeBank, splitBank } from "./heads/bank.js";
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
    /** Head banks (heads/bank.ts) and, per banked task, its bank and column. */
    readonly banks: readonly HeadBank[] = [],
  ) {
    for (const b of banks) b.tasks.forEach((t, i) => this.banked.set(t, { bank: b, index: i }));
  }

  private readonly banked = new Map<string, { bank: HeadBank; index: number }>();

  /** The head bank holding `task`'s head, and its column. */
  bankOf(task: string): { bank: HeadBank; index: number } | undefined {
    return this.banked.get(task);
  }

  /**
   * Builds the network. `opts.groups` (task groups that train on one input) lets the heads of a
   * group that read one shared representation be stored as banks (heads/bank.ts).
   */
  static async build(
    def: ModelDef,
    seed: number,
    opts: { groups?: readonly (readonly string[])[] } = {},
  ): Promise<Network> {
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
      const banks = arch.sharedRepresentation
        ? formBanks(def, params, heads, opts.groups ?? [])
        : [];
      const net = new Network(def, params, arch, heads, banks);
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
    const z = applyDropout(rep, dropout, ctx);
    const b = this.banked.get(task);
    return b ? b.bank.memberLogits(b.index, z) : h.module.apply(z, ctx);
  }

  forward(task: string, x: tf.Tensor, ctx: ForwardContext, dropout = 0): tf.Tensor {
    return this.headOutput(task, this.represent(task, x, ctx), ctx, dropout);
  }

  /** @internal For export (src/model/export/): the architecture and each task's modules. */
  exportParts(): {
    arch: BuiltArchitecture;
    heads: ReadonlyMap<string, { head: Head; module: Module; adapter?: Module }>;
  } {
    return { arch: this.arch, heads: this.heads };
  }

  /** Parameters the optimizer updates: trainable and not frozen (a bank as its members). */
  trainableParams(): Param[] {
    return this.params.filter((p) => p.trainable && !isFrozen(this.logical(p), this.def.freeze));
  }

  /** A bank parameter's first member's logical parameter (what freeze rules name). */
  private logical(p: Param): Param {
    if (!p.tasks) return p;
    const b = this.banked.get(p.tasks[0])?.bank;
    const m = b?.members[0];
    return m ? (p === b?.bias ? m.bias : m.kernel) : p;
  }

  /** Every parameter's values (one asynchronous read per parameter, issued together). */
  async snapshot(): Promise<WeightMap> {
    const values = await Promise.all(this.params.map((p) => p.variable.data()));
    const byName = new Map(this.params.map((p, i) => [p.name, values[i] as Float32Array]));
    const m = new Map<string, { shape: number[]; values: Float32Array }>();
    for (const [i, p] of this.params.entries()) {
      if (p.tasks) continue;
      m.set(p.name, {
        shape: [...p.variable.shape],
        values: Float32Array.from(values[i] as Float32Array),
      });
    }
    // banks go out under their members' names, as unbanked heads
    for (const b of this.banks)
      for (const [name, v] of splitBank(
        b,
        byName.get(b.kernel.name) as Float32Array,
        byName.get(b.bias.name) as Float32Array,
      ))
        m.set(name, v);
    return m;
  }

  /** Assigns the values in `w` to parameters of the same name (others keep their values). */
  load(w: WeightMap): void {
    for (const b of this.banks) {
      for (const m of b.members)
        for (const q of [m.kernel, m.bias]) {
          const v = w.get(q.name);
          if (v && !sameShape(v.shape, q.variable.shape))
            throw new ConfigError(
              `Weight "${q.name}" has shape [${v.shape}] in the saved weights but [${q.variable.shape}] in the model: the checkpoint is of another architecture.`,
              { field: q.name, value: v.shape, expected: `[${q.variable.shape}]` },
            );
        }
      const joined = joinBank(b, (name) => w.get(name)?.values);
      if (!joined) continue;
      tf.tidy(() => {
        b.kernel.variable.assign(tf.tensor(joined.kernel, b.kernel.variable.shape));
        b.bias.variable.assign(tf.tensor(joined.bias, b.bias.variable.shape));
      });
    }
    for (const p of this.params) {
      if (p.tasks) continue;
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

/**
 * The head banks of the given task groups: within a group, the tasks without an input adapter
 * whose heads are one dense layer of one shape (same kind and config) and whose freeze status
 * agrees form a bank. Replaces their parameters in `params` by the bank's.
 */
function formBanks(
  def: ModelDef,
  params: Param[],
  heads: ReadonlyMap<string, { head: Head; adapter?: Module }>,
  groups: readonly (readonly string[])[],
): HeadBank[] {
  const banks: HeadBank[] = [];
  for (const group of groups) {
    const byKey = new Map<string, { task: string; kernel: Param; bias: Param }[]>();
    for (const task of group) {
      const h = heads.get(task);
      const dense = h && !h.adapter ? denseHeadParams(params, task) : undefined;
      if (!h || !dense) continue;
      const frozen = [dense.kernel, dense.bias].map((p) => isFrozen(p, def.freeze)).join();
      const key = `${h.head.kind}|${JSON.stringify(h.head.config)}|${dense.kernel.variable.shape}|${frozen}`;
      const list = byKey.get(key) ?? [];
      list.push({ task, ...dense });
      byKey.set(key, list);
    }
    for (const members of byKey.values()) {
      if (members.length < 2) continue;
      const head = heads.get(members[0].task)?.head as Head;
      const bank = makeBank(head, members);
      const gone = new Set(members.flatMap((m) => [m.kernel, m.bias]));
      const at = params.findIndex((p) => gone.has(p));
      const rest = params.filter((p) => !gone.has(p));
      rest.splice(at, 0, bank.kernel, bank.bias);
      params.splice(0, params.length, ...rest);
      banks.push(bank);
    }
  }
  return banks;
}
