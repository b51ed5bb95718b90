/** Per-parameter optimizer slots (momentum, moments) kept as named variables. */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../../errors.js";
import { type Snapshot, snapshotVariables } from "../transaction.js";
import type { OptimizerState } from "./types.js";

export class Slots {
  private readonly map = new Map<string, tf.Variable>();
  step = 0;

  constructor(readonly optimizer: string) {}

  get(param: string, slot: string, like: tf.Tensor): tf.Variable {
    const key = `${param}#${slot}`;
    let v = this.map.get(key);
    if (!v) {
      v = tf.tidy(() => tf.variable(tf.zerosLike(like), false));
      this.map.set(key, v);
    }
    return v;
  }

  async getState(): Promise<OptimizerState> {
    const slots: OptimizerState["slots"] = {};
    const entries = [...this.map];
    const values = await Promise.all(entries.map(([, v]) => v.data()));
    entries.forEach(([k, v], i) => {
      slots[k] = { shape: [...v.shape], values: Float32Array.from(values[i] as Float32Array) };
    });
    return { name: this.optimizer, step: this.step, slots };
  }

  /** The slots and step count now; `restore` also drops slots created after it. */
  snapshot(): Snapshot {
    const step = this.step;
    const keys = new Set(this.map.keys());
    const vars = snapshotVariables([...this.map.values()]);
    return {
      restore: () => {
        vars.restore();
        this.step = step;
        for (const [k, v] of [...this.map])
          if (!keys.has(k)) {
            v.dispose();
            this.map.delete(k);
          }
      },
      release: () => vars.release(),
    };
  }

  setState(state: OptimizerState): void {
    if (state.name !== this.optimizer)
      throw new ConfigError(
        `The checkpoint's optimizer is "${state.name}", this run uses "${this.optimizer}".`,
        {
          field: "optimizer",
          value: state.name,
          expected: this.optimizer,
        },
      );
    for (const [k, s] of Object.entries(state.slots ?? {})) {
      const n = Array.isArray(s?.shape) ? s.shape.reduce((a, b) => a * b, 1) : Number.NaN;
      if (s?.values?.length !== n)
        throw new ConfigError(
          `The saved optimizer slot "${k}" has ${s?.values?.length} values for shape [${s?.shape}].`,
          { field: "optimizer", value: k, expected: `${n} values` },
        );
    }
    this.dispose();
    this.step = state.step;
    for (const [k, s] of Object.entries(state.slots))
      this.map.set(
        k,
        tf.tidy(() => tf.variable(tf.tensor(Float32Array.from(s.values), s.shape), false)),
      );
  }

  dispose(): void {
    for (const v of this.map.values()) v.dispose();
    this.map.clear();
  }
}
