/**
 * The data contract between `data/` and `train/`: a dataset is a set of samples held in flat
 * typed arrays (no tensors), so that it can be shuffled, split and batched without leaking
 * GPU/wasm memory. Tensors are made per batch by the batcher.
 */

/** How a task's labels are encoded. */
export type LabelKind =
  /** One class index per sample, stored in an Int32Array; `numClasses` is set. */
  | "class"
  /** `labelSize` 0/1 targets per sample, stored in a Float32Array. */
  | "multiLabel"
  /** `labelSize` real targets per sample, stored in a Float32Array. */
  | "regression";

export interface Dataset {
  /** Human name, used in error messages ("mnist/train"). */
  readonly name: string;
  /** Number of samples. */
  readonly size: number;
  /** Shape of one input sample, e.g. [28, 28, 1] or [maxTokens]. */
  readonly inputShape: readonly number[];
  /** "float32" for images/tabular, "int32" for token ids. */
  readonly inputDtype: "float32" | "int32";
  /** Inputs, `size * prod(inputShape)` values, sample-major. */
  readonly x: Float32Array | Int32Array;
  readonly labelKind: LabelKind;
  /** Values per sample in `y`: 1 for "class". */
  readonly labelSize: number;
  /** Number of classes for "class" and "multiLabel" labels. */
  readonly numClasses?: number;
  /** Labels, `size * labelSize` values. */
  readonly y: Int32Array | Float32Array;
  /** Optional per-sample label mask: 1 = the label is present, 0 = missing (partial labels). */
  readonly mask?: Uint8Array;
  /** Optional class names, index-aligned. */
  readonly classNames?: readonly string[];
  /**
   * Optional per-task transforms (see `withTransforms`), applied in order by the loader to each
   * batch's `x` tensor: with `training = true` on training batches, `false` on evaluation
   * batches (random augmentations are then the identity).
   */
  readonly transforms?: readonly Transform[];
  /** Optional text vocabulary (token id -> token) for "int32" token inputs. */
  readonly vocabulary?: readonly string[];
  /**
   * The task group this dataset belongs to: datasets of one group share this object and their
   * `x`, and train with one backbone pass per step (see group.ts).
   */
  readonly group?: import("./group.js").DatasetGroup;
}

/**
 * A dataset of either kind: in memory (`Dataset`: flat typed arrays) or read from disk as it
 * trains (`StreamedDataset`: `datasets.fromParquet`, no `x`/`y`). `fit`, `evaluate` and
 * `predict` take both; `isStreamed` tells them apart.
 */
export type AnyDataset = Dataset | import("./stream/types.js").StreamedDataset;

/**
 * A batch-time transform of a task's inputs. It is a pure function of its arguments: random
 * transforms draw only from `random`, so a seed reproduces the same augmentation.
 */
export interface Transform {
  readonly name: string;
  /**
   * The options a built-in transform was made with (JSON values). Two transforms with the same
   * name and equal options act the same, so the members of a task group may each carry their
   * own copy; a transform without options only equals itself.
   */
  readonly options?: Readonly<Record<string, unknown>>;
  /** The shape of one sample after the transform, from the shape before it. */
  outputShape(inputShape: readonly number[]): number[];
  /**
   * Maps a batch `x` of shape [n, ...inputShape] to [n, ...outputShape]. Called inside tf.tidy
   * by the loader: it may create intermediates freely and must not dispose `x`.
   */
  apply(
    x: import("@tensorflow/tfjs").Tensor,
    random: import("../util/random.js").Random,
    training: boolean,
  ): import("@tensorflow/tfjs").Tensor;
}

/** One task's mini-batch, as tensors. The consumer disposes them (or runs inside tf.tidy). */
export interface Batch {
  /** Inputs, [n, ...inputShape]. */
  readonly x: import("@tensorflow/tfjs").Tensor;
  /** Labels: [n] int32 class indices, or [n, labelSize] float32. */
  readonly y: import("@tensorflow/tfjs").Tensor;
  /** [n] float32, 1 where the label is present; absent when every label is present. */
  readonly mask?: import("@tensorflow/tfjs").Tensor;
  /** Number of samples, n. */
  readonly size: number;
  /**
   * The sampling unit the batch belongs to. Members of one task group have the same unit and
   * the very same `x` tensor (one batch of samples carrying each member's labels).
   */
  readonly unit?: string;
  /** Samples whose label is present (n without a mask); known on the host for loader batches. */
  readonly labelled?: number;
  /**
   * Further independent batches of the same task in this step, for strategies that need
   * `samples > 1` (MoDo, SDMGrad): `samples - 1` of them, each drawn like this one.
   */
  readonly extra?: readonly Batch[];
  /** The labels and mask as host arrays, when the batch was made from them (no device read). */
  readonly host?: {
    readonly y: Int32Array | Float32Array;
    readonly mask?: Float32Array;
  };
}

/** One training step's data: a batch for each task that takes part in the step. */
export type Step<T extends string = string> = Partial<Record<T, Batch>>;

/**
 * Decides how often each task is drawn. `probabilities` is the contract (DESIGN.md section 3);
 * `progress` is the fraction of training done, in [0, 1] (used by annealed samplers).
 */
export interface TaskSampler {
  readonly name: string;
  /**
   * "one": each step trains one task, drawn with `probabilities`; an epoch is
   *   ceil(sum of sizes / batchSize) steps.
   * "all": each step holds one batch of every task (what gradient-based weighting needs);
   *   an epoch is ceil(largest size / batchSize) steps and smaller tasks cycle, reshuffled
   *   each pass. `probabilities` then scale nothing and serve for reporting.
   */
  readonly mode: "one" | "all";
  probabilities(sizes: Readonly<Record<string, number>>, progress?: number): Record<string, number>;
  /**
   * Optional, "one" mode only: picks the task of global step `step` (0-based, counted across
   * epochs). When absent the loader draws a task at random with `probabilities`.
   * Round-robin uses it to cycle through `tasks` in order.
   */
  pick?(step: number, tasks: readonly string[]): string;
  /** Optional: the options the sampler was made with, for configs and checkpoints. */
  readonly options?: Readonly<Record<string, unknown>>;
}
