/**
 * The loader's checkpoint state (JSON) and the checks that a saved state fits a loader: the
 * same tasks, the same sampling units (names, members, sizes), and each unit still in memory or
 * still streamed. In-memory units keep their pass position (`streams`); streamed units their
 * source's state (`sources`, present only when some unit is streamed).
 */
import { ConfigError, show } from "../errors.js";
import type { RandomState } from "../util/random.js";
import type { Unit } from "./group.js";
import type { SourceState } from "./stream/types.js";
import type { TaskStreamState } from "./task-stream.js";

export interface LoaderState {
  version: 2;
  tasks: string[];
  /** The sampling units (name, tasks, samples) the state was saved with. */
  units: { name: string; tasks: string[]; size: number }[];
  /** Epoch of the last consumed step, and steps of it consumed. */
  epoch: number;
  step: number;
  /** Steps consumed since the start of training. */
  globalStep: number;
  /** Samples per unit when the state was taken (absent in older states). */
  sizes?: Record<string, number>;
  random: RandomState;
  augment: RandomState;
  /** In-memory units' pass positions, by unit name. */
  streams: Record<string, TaskStreamState>;
  /** Streamed units' source states, by unit name (only when some unit is streamed). */
  sources?: Record<string, SourceState>;
}

/** The unit layout a state records. */
export function layoutOf(units: readonly Unit[]): LoaderState["units"] {
  return units.map((u) => ({ name: u.name, tasks: [...u.tasks], size: u.size }));
}

/** Throws a ConfigError naming what differs when `state` was not saved by a loader like this one. */
export function checkLoaderState(
  state: LoaderState,
  tasks: readonly string[],
  units: readonly Unit[],
): void {
  if (
    state?.version !== 2 ||
    !Array.isArray(state.tasks) ||
    state.tasks.join("\0") !== tasks.join("\0")
  )
    throw new ConfigError(
      `MultiTaskLoader.setState: the state is for tasks ${show(state?.tasks)}, this loader has ${show(tasks)}.`,
      {
        field: "state",
        value: state?.tasks,
        expected: `a state saved by a loader over ${tasks.join(", ")}`,
      },
    );
  const now = layoutOf(units);
  const diff = now.find((u, i) => {
    const o = state.units?.[i];
    return (
      !o || o.name !== u.name || o.size !== u.size || o.tasks.join("\0") !== u.tasks.join("\0")
    );
  });
  if (diff || state.units.length !== now.length) {
    const saved = state.units?.find((u) => u.name === diff?.name);
    const sized = saved && diff && saved.size !== diff.size;
    throw new ConfigError(
      sized
        ? `Resume: "${diff.name}" had ${saved.size} training samples when the run was saved and has ${diff.size} now; resume with the same data (and the same validationSplit), or start a new fit.`
        : `Resume: the run was saved with sampling units ${show(state.units?.map((u) => u.name))} and now has ${show(now.map((u) => u.name))}; resume with the same data and grouping.`,
      {
        ...(sized && diff.tasks.length === 1 ? { task: diff.name } : {}),
        field: "data",
        value: now,
        expected: `the units the run was saved with: ${show(state.units)}`,
      },
    );
  }
  const kind = units.find((u) => (u.table ? !state.sources?.[u.name] : !state.streams?.[u.name]));
  if (kind)
    throw new ConfigError(
      `Resume: "${kind.name}" was ${kind.table ? "in memory" : "streamed"} when the run was saved and is ${kind.table ? "streamed" : "in memory"} now; its sample order cannot continue exactly. Resume with the same kind of data (or start a new fit).`,
      {
        field: "data",
        value: kind.name,
        expected: `${kind.table ? "in-memory" : "streamed"} data for "${kind.name}"`,
      },
    );
}
