/**
 * Task groups: datasets that label one input for several tasks. Constructors that read one input
 * with several label columns (`fromArrays({ x, y: { a, b } })`, `fromCsv(path, { labels })`,
 * `multiMnist`) return a record of Datasets that share their `x` array and one `DatasetGroup`
 * object. `fit` trains each group as one sampling unit: one batch of samples per step carrying
 * every member's labels (and masks), one backbone pass. Heterogeneous tasks (their own input)
 * are units of one task. `fit(data, { group: false })` turns grouping off. Streamed datasets
 * (`datasets.fromParquet(..., { labels })`) of one table form a group the same way: their labels
 * come from one table, read through one source.
 */
import { ConfigError } from "../errors.js";
import { type StreamTable, isStreamed } from "./stream/types.js";
import type { AnyDataset, Dataset, Transform } from "./types.js";

/** What the members of one group share. Identity (this object) marks membership. */
export interface DatasetGroup {
  /** A name given at construction (`fromArrays({ ..., group: "pair" })`); else the unit is
   * named by its tasks joined with "+". */
  readonly name?: string;
  /** Samples (every member has them all, labelled or masked). */
  readonly size: number;
  /** The member keys the constructor returned, in order. */
  readonly members: readonly string[];
}

export function makeGroup(members: readonly string[], size: number, name?: string): DatasetGroup {
  return Object.freeze({ members: Object.freeze([...members]), size, ...(name ? { name } : {}) });
}

/** One sampling unit of a fit: a group of tasks sharing an input, or one task. */
export interface Unit {
  /** The group's name, `a+b` for a group without one, or the task for a single task. */
  readonly name: string;
  /** Tasks in fit order. */
  readonly tasks: readonly string[];
  /** Samples per pass. */
  readonly size: number;
  /** The group object, when the unit is a group of in-memory datasets. */
  readonly group?: DatasetGroup;
  /** The table, when the unit's datasets are streamed (one source per unit). */
  readonly table?: StreamTable;
}

function sameTransforms(a: AnyDataset, b: AnyDataset): boolean {
  const ta = a.transforms ?? [];
  const tb = b.transforms ?? [];
  return ta.length === tb.length && ta.every((t, i) => sameTransform(t, tb[i]));
}

/** The same transform object, or two built-in ones of one name made with equal options. */
function sameTransform(a: Transform, b: Transform): boolean {
  if (a === b) return true;
  if (a.name !== b.name || a.options === undefined || b.options === undefined) return false;
  return JSON.stringify(a.options) === JSON.stringify(b.options);
}

/** What marks the members of one group: the DatasetGroup, or a streamed dataset's table. */
function groupKey(
  d: AnyDataset,
  group: boolean | undefined,
): DatasetGroup | StreamTable | undefined {
  if (group === false) return undefined;
  return isStreamed(d) ? d.table : d.group;
}

function sharesInput(a: AnyDataset, b: AnyDataset): boolean {
  if (isStreamed(a) || isStreamed(b)) return isStreamed(a) && isStreamed(b) && a.table === b.table;
  return a.x === b.x && a.size === b.size;
}

/**
 * The sampling units of `data` (task -> dataset, in task order): members of one group form one
 * unit (positioned at its first task); every other task is its own unit. Streamed datasets of
 * one table are a group. With `group: false` every task is its own unit. Members with different
 * transforms are a ConfigError.
 */
export function unitsOf(
  tasks: readonly string[],
  data: Readonly<Record<string, AnyDataset>>,
  opts: { group?: boolean } = {},
): Unit[] {
  type Pending = Unit & { key?: DatasetGroup | StreamTable };
  const units: Pending[] = [];
  const byGroup = new Map<DatasetGroup | StreamTable, string[]>();
  const tableOf = (d: AnyDataset) => (isStreamed(d) ? { table: d.table } : {});
  for (const t of tasks) {
    const d = data[t];
    const key = groupKey(d, opts.group);
    if (!key) {
      units.push({ name: t, tasks: [t], size: d.size, ...tableOf(d) });
      continue;
    }
    const members = byGroup.get(key);
    if (members) {
      const first = data[members[0]];
      if (!sharesInput(first, d))
        throw new ConfigError(
          `Tasks "${members[0]}" and "${t}" claim one group but do not share their input; build both from one constructor call.`,
          { task: t, field: "group", value: t, expected: `the input of "${members[0]}"` },
        );
      if (!sameTransforms(first, d))
        throw new ConfigError(
          `Tasks "${members[0]}" and "${t}" share one input (a task group) but have different transforms; give the group's datasets the same transforms, or train them apart with fit(data, { group: false }).`,
          { task: t, field: "transforms", value: t, expected: `the transforms of "${members[0]}"` },
        );
      members.push(t);
    } else {
      byGroup.set(key, [t]);
      units.push({ name: "", tasks: [], size: d.size, key, ...tableOf(d) });
    }
  }
  const named = units.map(({ key, ...u }): Unit => {
    if (!key) return u;
    const members = byGroup.get(key) as string[];
    const group = isStreamed(data[members[0]]) ? undefined : (key as DatasetGroup);
    const size = group ? group.size : u.size;
    if (members.length === 1)
      return { name: members[0], tasks: members, size, ...tableOf(data[members[0]]) };
    return {
      ...u,
      name: group?.name ?? members.join("+"),
      tasks: members,
      size,
      ...(group ? { group } : {}),
    };
  });
  const seen = new Set<string>();
  for (const u of named) {
    if (
      seen.has(u.name) ||
      (u.tasks.length > 1 && tasks.includes(u.name) && !u.tasks.includes(u.name))
    )
      throw new ConfigError(
        `Two sampling units are named "${u.name}"; name the group (fromArrays({ ..., group: "name" })).`,
        {
          field: "group",
          value: u.name,
          expected: "unique unit names",
        },
      );
    seen.add(u.name);
  }
  return named;
}

/** Drops the group of a dataset derived from one member (a subset), with a one-time note. */
export function ungrouped(d: Dataset, why: string): Dataset {
  if (!d.group) return d;
  const { group, ...rest } = d;
  noteOnce(
    `polytask: ${why} "${d.name}" takes it out of its task group (${group.members.join(", ")}); it trains as a task of its own. Subset the whole group (datasets.takeGroup / split) to keep one backbone pass.`,
  );
  return rest;
}

const noted = new Set<string>();
function noteOnce(message: string): void {
  if (noted.has(message)) return;
  noted.add(message);
  console.warn(message);
}
