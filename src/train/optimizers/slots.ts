/** Per-parameter optimizer slots (momentum, moments) kept as named variables. */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../../errors.js";
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

  getState(): OptimizerState {
    const slots: OptimizerState["slots"] = {};
    for (const [k, v] of this.map)
      slots[k] = { shape: [...v.shape], values: Float32Array.from(v.dataSync()) };
    return { name: this.optimizer, step: this.step, slots };
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
