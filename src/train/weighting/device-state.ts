/**
 * A [T, P] matrix of per-task state kept on the device across steps (MoCo's tracked gradients,
 * DB-MTL's gradient buffer, ExcessMTL's squared-gradient sums). P is known only from the first
 * gradients, so the variable is made then. It is listed in the instance's `stateVariables`
 * (snapshotted and rolled back with each step, checked for finiteness) and goes into
 * checkpoints as a Float32Array.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";

export interface MatrixState {
  shape: [number, number];
  values: Float32Array;
}

export class DeviceMatrix {
  private v?: tf.Variable;

  constructor(
    private readonly strategy: string,
    private readonly field: string,
  ) {}

  /** The variable, made with zeros of `shape` if it does not exist yet. */
  ensure(shape: readonly [number, number]): tf.Variable {
    if (this.v && (this.v.shape[0] !== shape[0] || this.v.shape[1] !== shape[1]))
      throw new ConfigError(
        `Weighting "${this.strategy}": its ${this.field} has shape [${this.v.shape}] but the gradients are [${shape}] (the model changed mid-run?).`,
        { field: this.field, value: shape, expected: `[${this.v.shape}]` },
      );
    this.v ??= tf.tidy(() => tf.variable(tf.zeros([shape[0], shape[1]]), false));
    return this.v;
  }

  get variable(): tf.Variable | undefined {
    return this.v;
  }

  get list(): tf.Variable[] {
    return this.v ? [this.v] : [];
  }

  async get(): Promise<MatrixState | null> {
    if (!this.v) return null;
    return {
      shape: [this.v.shape[0], this.v.shape[1]] as [number, number],
      values: Float32Array.from(await this.v.data()),
    };
  }

  set(s: unknown): void {
    if (s === null || s === undefined) {
      this.dispose();
      return;
    }
    const o = s as { shape?: unknown; values?: unknown };
    const shape = o.shape as [number, number];
    // a Float32Array, a number[], or a typed array that went through JSON ({ "0": ... })
    const raw = o.values as ArrayLike<number> | Record<string, number> | undefined;
    const values: ArrayLike<number> | undefined =
      raw && typeof raw === "object" && typeof (raw as ArrayLike<number>).length !== "number"
        ? Object.values(raw as Record<string, number>)
        : (raw as ArrayLike<number> | undefined);
    const ok =
      Array.isArray(shape) &&
      shape.length === 2 &&
      values !== undefined &&
      typeof values === "object" &&
      typeof values.length === "number" &&
      values.length === shape[0] * shape[1];
    if (!ok)
      throw new ConfigError(
        `Weighting "${this.strategy}": state field "${this.field}" is ${show(s)}; expected { shape, values }.`,
        { field: this.field, value: s, expected: "{ shape: [T, P], values }" },
      );
    const t = tf.tensor2d(Float32Array.from(values), shape);
    if (this.v && this.v.shape[1] === shape[1] && this.v.shape[0] === shape[0]) this.v.assign(t);
    else {
      this.dispose();
      this.v = tf.variable(t, false);
    }
    t.dispose();
  }

  /** Whether the variable exists (the host part of the rollback state). */
  exists(): boolean {
    return this.v !== undefined;
  }

  /** Rollback to a point where the variable did not exist yet. */
  restoreExists(existed: boolean): void {
    if (!existed) this.dispose();
  }

  dispose(): void {
    this.v?.dispose();
    this.v = undefined;
  }
}

/** `[T, 1]` 0/1 column of the active tasks. */
export function activeColumn(active: readonly boolean[]): tf.Tensor2D {
  return tf.tensor2d(
    active.map((a) => (a ? 1 : 0)),
    [active.length, 1],
  );
}
