/**
 * Default training listeners: what `fit` attaches when `opts.listeners` is not given. The loop
 * knows nothing about notebooks; the notebook layer installs a factory here (e.g. a live view
 * when a kernel display host is present), so `model.fit(data)` shows live plots in a notebook
 * without the user passing a listener. Passing `listeners: []` turns them off.
 */
import type { TrainingListener } from "./events.js";

let factory: (() => TrainingListener[]) | undefined;

/** Installs (or, with undefined, removes) the factory of default listeners. */
export function setDefaultListeners(f: (() => TrainingListener[]) | undefined): void {
  factory = f;
}

/** A fresh set of default listeners for one fit. */
export function defaultListeners(): TrainingListener[] {
  return factory ? factory() : [];
}
