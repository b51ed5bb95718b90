/**
 * Search spaces: the trials of a grid (every combination, in the order the space lists its
 * dimensions, the last one varying fastest) or of a seeded random search, and how a trial's
 * values are set into a train config by dotted path.
 */
import { ConfigError, show } from "../errors.js";
import { Random } from "../util/random.js";
import type { Dimension, SweepSpec } from "./spec.js";

export type Params = Readonly<Record<string, unknown>>;

export interface TrialPlan {
  /** "t0000", "t0001", ... */
  readonly id: string;
  readonly index: number;
  readonly params: Params;
}

/** Every composition of `steps` units among `tasks`, as weights summing to 1. */
function simplexGrid(tasks: readonly string[], steps: number): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  const rec = (i: number, left: number, acc: number[]) => {
    if (i === tasks.length - 1) {
      out.push(Object.fromEntries(tasks.map((t, k) => [t, (k === i ? left : acc[k]) / steps])));
      return;
    }
    for (let u = left; u >= 0; u--) rec(i + 1, left - u, [...acc, u]);
  };
  rec(0, steps, []);
  return out;
}

function gridValues(path: string, d: Dimension): unknown[] {
  if (Array.isArray(d)) return d;
  if ("simplex" in d) {
    if (d.steps === undefined)
      throw new ConfigError(`sweep: space "${path}": a simplex on a grid needs "steps".`, {
        field: `space.${path}.steps`,
        expected: "an integer >= 1",
      });
    return simplexGrid(d.simplex, d.steps);
  }
  throw new ConfigError(
    `sweep: space "${path}" is a continuous range ${show(d)}; a grid needs a list of values (or use a random search).`,
    { field: `space.${path}`, value: d, expected: 'a list, or search { "kind": "random" }' },
  );
}

function draw(path: string, d: Dimension, r: Random): unknown {
  if (Array.isArray(d)) return d[r.int(d.length)];
  if ("uniform" in d) return d.uniform[0] + r.next() * (d.uniform[1] - d.uniform[0]);
  if ("logUniform" in d) {
    const [lo, hi] = d.logUniform;
    if (!(lo > 0 && hi > 0))
      throw new ConfigError(
        `sweep: space "${path}": logUniform bounds must be > 0, got ${show(d.logUniform)}.`,
        {
          field: `space.${path}.logUniform`,
          value: d.logUniform,
          expected: "two numbers > 0",
        },
      );
    return Math.exp(Math.log(lo) + r.next() * (Math.log(hi) - Math.log(lo)));
  }
  if ("int" in d) return d.int[0] + r.int(d.int[1] - d.int[0] + 1);
  // uniform on the simplex: normalised exponential draws (Dirichlet(1, ..., 1))
  const e = d.simplex.map(() => -Math.log(1 - r.next()));
  const sum = e.reduce((a, b) => a + b, 0);
  return Object.fromEntries(d.simplex.map((t, k) => [t, e[k] / sum]));
}

const idOf = (i: number) => `t${String(i).padStart(4, "0")}`;

/** The trials of a sweep. */
export function planTrials(spec: Pick<SweepSpec, "space" | "search">): TrialPlan[] {
  const dims = Object.entries(spec.space);
  if (spec.search.kind === "random") {
    const r = new Random(spec.search.seed);
    return Array.from({ length: spec.search.trials }, (_, i) => ({
      id: idOf(i),
      index: i,
      params: Object.fromEntries(dims.map(([p, d]) => [p, draw(p, d, r)])),
    }));
  }
  let combos: Record<string, unknown>[] = [{}];
  for (const [p, d] of dims)
    combos = combos.flatMap((c) => gridValues(p, d).map((v) => ({ ...c, [p]: v })));
  return combos.map((params, i) => ({ id: idOf(i), index: i, params }));
}

/** A copy of `config` with `value` set at the dotted `path` (objects are created on the way). */
export function setPath(
  config: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const out = structuredClone(config);
  const keys = path.split(".");
  let cur: Record<string, unknown> = out;
  keys.slice(0, -1).forEach((k, i) => {
    const next = cur[k];
    if (next === undefined) cur[k] = {};
    else if (next === null || typeof next !== "object" || Array.isArray(next))
      throw new ConfigError(
        `sweep: cannot set "${path}": "${keys.slice(0, i + 1).join(".")}" is ${show(next)} in the train config, not an object (write it as { "name": ... }).`,
        { field: `space.${path}`, value: next, expected: "an object on the way to the path" },
      );
    cur = cur[k] as Record<string, unknown>;
  });
  cur[keys[keys.length - 1]] = structuredClone(value);
  return out;
}

/** A short label of a trial's values, for legends: `fit.lr=0.01 fit.weighting=pcgrad`. */
export function paramsLabel(params: Params): string {
  const fmt = (v: unknown): string => {
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(3);
    if (typeof v === "string") return v;
    if (v && typeof v === "object" && typeof (v as { name?: unknown }).name === "string") {
      const { name, ...rest } = v as { name: string };
      return Object.keys(rest).length ? `${name}(${Object.values(rest).map(fmt).join(",")})` : name;
    }
    if (v && typeof v === "object")
      return Object.entries(v)
        .map(([k, x]) => `${k}:${fmt(x)}`)
        .join(",");
    return JSON.stringify(v);
  };
  return Object.entries(params)
    .map(([p, v]) => `${p.split(".").pop()}=${fmt(v)}`)
    .join(" ");
}
