/**
 * The `Architecture` plug-in: how task inputs flow through shared parameters to each task's
 * representation. Hard parameter sharing (one backbone for all tasks) is the default; MMoE,
 * cross-stitch and others are added as files implementing this interface, without touching
 * the training loop. The loop treats parameters with `shared: true` as shared (their
 * gradients are combined across tasks) and parameters with a `task` as that task's own.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Random } from "../../util/random.js";
import type { Backbone } from "../backbones/types.js";
import type { ForwardContext, Param, ParamFactory, Part, Shape } from "../params.js";

export interface ArchitectureBuildArgs {
  readonly backbone: Backbone;
  /** Shape of the (adapted) input every task reaches the architecture with. */
  readonly inputShape: Shape;
  readonly tasks: readonly string[];
  /** Makes a parameter factory. Shared parts: `part: "backbone"` or `"arch"` with no task;
   * task-specific parts (gates, task columns): pass `task`. Each prefix gets its own seeded RNG. */
  factory(prefix: string, part: Part, opts?: { task?: string }): ParamFactory;
}

export interface BuiltArchitecture {
  /** Shape of one task representation (what heads receive). */
  readonly outputShape: Shape;
  /** The representation of `x` for `task`. */
  represent(task: string, x: tf.Tensor, ctx: ForwardContext): tf.Tensor;
  /**
   * Optional: the representations of several tasks of one input (a task group), computing
   * what they share once (the backbone, the experts). Defaults to `represent` per task.
   */
  representMany?(
    tasks: readonly string[],
    x: tf.Tensor,
    ctx: ForwardContext,
  ): Record<string, tf.Tensor>;
  /**
   * true when every task's representation of an input is one and the same tensor (hard
   * sharing): what representation-level gradient methods (MGDA-UB) need.
   */
  readonly sharedRepresentation?: boolean;
  /**
   * `represent` in tf.layers (inference mode), for export: made once, then called per task and
   * input; parts shared by tasks run once per input. Absent: the architecture cannot be exported.
   */
  toLayers?(): (task: string, x: tf.SymbolicTensor) => tf.SymbolicTensor;
}

export interface Architecture<C extends object = Record<string, unknown>> {
  readonly kind: string;
  readonly config: Readonly<C>;
  build(args: ArchitectureBuildArgs): Promise<BuiltArchitecture>;
}

export type { Param, Random };
