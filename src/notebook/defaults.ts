/**
 * What `fit` shows when the caller passes no `listeners`: in a notebook (a kernel installed a
 * display host) one live figure updated in place; in an interactive terminal a progress bar
 * with per-task metrics; nothing when output is piped or captured (tests, CI logs). Passing
 * `listeners: []` (or your own list) turns the default off.
 */
import { setDefaultListeners } from "../train/defaults.js";
import type { TrainingListener } from "../train/events.js";
import { currentHost } from "./host.js";
import { liveView } from "./live.js";

export function liveByDefault(): TrainingListener[] {
  return currentHost() !== undefined || process.stdout.isTTY === true ? [liveView()] : [];
}

/** Installs `liveByDefault` as fit's default listeners (done once by the package entry). */
export function installDefaultListeners(): void {
  setDefaultListeners(liveByDefault);
}
