/**
 * Option validation with zod schemas, turned into polytask's typed errors. Every option object
 * (fit options, plug-in options, dataset arguments, CLI configs) is a strict schema: unknown keys
 * are rejected at every depth with the known keys listed (`UnknownNameError`), and every other
 * problem is a `ConfigError` whose `field` is the dotted path and whose message reads
 * `<where>: option "regularize.l2sp": expected a number >= 0, received -1.`
 */
import { z } from "zod";
import { ConfigError, UnknownNameError, show } from "../errors.js";

export { z };

type AnySchema = z.ZodType;

function unwrap(s: AnySchema | undefined): AnySchema | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: walking zod's internal definition objects
  let cur: any = s;
  for (let i = 0; i < 16 && cur; i++) {
    const d = cur._zod?.def ?? cur.def;
    if (!d) return cur;
    if (
      ["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"].includes(
        d.type,
      )
    )
      cur = d.innerType;
    else if (d.type === "pipe") cur = d.in;
    else if (d.type === "lazy") cur = d.getter();
    else return cur;
  }
  return cur;
}

/** The object shapes a (possibly wrapped or union) schema accepts. */
function shapesOf(s: AnySchema | undefined): Record<string, AnySchema>[] {
  const u = unwrap(s);
  // biome-ignore lint/suspicious/noExplicitAny: see unwrap
  const d: any = (u as any)?._zod?.def;
  if (!d) return [];
  if (d.type === "object") return [d.shape];
  if (d.type === "union") return d.options.flatMap((o: AnySchema) => shapesOf(o));
  if (d.type === "intersection") return [...shapesOf(d.left), ...shapesOf(d.right)];
  return [];
}

/** The schema at `path` inside `s` (best effort: objects, unions, records, arrays, tuples). */
function schemaAt(s: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let cur: AnySchema | undefined = s;
  for (const key of path) {
    const u = unwrap(cur);
    // biome-ignore lint/suspicious/noExplicitAny: see unwrap
    const d: any = (u as any)?._zod?.def;
    if (!d) return undefined;
    if (d.type === "record") cur = d.valueType;
    else if (d.type === "array") cur = d.element;
    else if (d.type === "tuple") cur = d.items[Number(key)] ?? d.rest;
    else {
      const found = shapesOf(u).find((shape) => Object.hasOwn(shape, String(key)));
      cur = found?.[String(key)];
    }
  }
  return cur;
}

/** The keys an object schema at `path` knows. */
export function knownKeys(s: AnySchema, path: readonly PropertyKey[] = []): string[] {
  const keys = new Set<string>();
  for (const shape of shapesOf(schemaAt(s, path))) for (const k of Object.keys(shape)) keys.add(k);
  return [...keys];
}

function dotted(prefix: string | undefined, path: readonly PropertyKey[]): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map(String)];
  return parts.join(".");
}

/** "a number > 0", "one of "shared", "representation"", ... from a zod issue. */
function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "number" ? "a finite number" : `a value of type ${issue.expected}`;
    case "too_small": {
      const op = issue.inclusive ? ">=" : ">";
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint")
        return `a number ${op} ${issue.minimum}`;
      return `${issue.origin} of size ${op} ${issue.minimum}`;
    }
    case "too_big": {
      const op = issue.inclusive ? "<=" : "<";
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint")
        return `a number ${op} ${issue.maximum}`;
      return `${issue.origin} of size ${op} ${issue.maximum}`;
    }
    case "invalid_value":
      return `one of ${issue.values.map((v) => show(v)).join(", ")}`;
    case "not_multiple_of":
      return `a multiple of ${issue.divisor}`;
    case "invalid_format":
      return `a ${issue.format} string`;
    case "invalid_union":
      return "one of the accepted forms";
    default:
      return issue.message;
  }
}

function received(issue: z.core.$ZodIssue & { input?: unknown; received?: string }): string {
  if (issue.code === "invalid_type" && issue.received) return issue.received;
  if (issue.input === undefined) return "nothing";
  return show(issue.input);
}

export interface ParseOptions {
  /** Who is validating, for messages: `fit`, `weighting "famo"`, `datasets.fromCsv`. */
  where: string;
  /** Prefix of every path in messages, e.g. `regularize`. */
  prefix?: string;
  /** The task the options belong to, carried into the error. */
  task?: string;
}

/**
 * Validates `value` against `schema` and returns the parsed value, or throws the first problem as
 * an `UnknownNameError` (unknown keys) or a `ConfigError` (anything else).
 */
export function parseOptions<S extends AnySchema>(
  schema: S,
  value: unknown,
  opts: ParseOptions,
): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  throw issueError(schema, r.error.issues[0], opts);
}

/** The typed error for one zod issue. */
export function issueError(
  schema: AnySchema,
  issue: z.core.$ZodIssue,
  opts: ParseOptions,
): ConfigError | UnknownNameError {
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(schema, issue.path);
    const bad = issue.keys[0];
    const field = dotted(opts.prefix, [...issue.path, bad]);
    const owner = dotted(opts.prefix, issue.path);
    const of = owner ? ` of "${owner}"` : "";
    return new UnknownNameError(
      `${opts.where} option`,
      field,
      known,
      `${opts.where}: unknown option "${field}". Known options${of}: ${known.join(", ") || "(none)"}.`,
    );
  }
  const field = dotted(opts.prefix, issue.path);
  const expected = expectation(issue);
  const got = received(issue as z.core.$ZodIssue & { input?: unknown; received?: string });
  const name = field ? `option "${field}"` : "options";
  const custom = issue.code === "custom" ? `${issue.message}; ` : "";
  return new ConfigError(
    issue.code === "custom"
      ? `${opts.where}: ${name}: ${issue.message} (received ${got}).`
      : `${opts.where}: ${name}: expected ${custom}${expected}, received ${got}.`,
    {
      field: field || undefined,
      value: (issue as { input?: unknown }).input,
      expected,
      task: opts.task,
    },
  );
}

/** Common option shapes. */
export const num = {
  /** Any finite number > 0 (learning rates: 1e6 is legal). */
  positive: () => z.number().gt(0),
  nonNegative: () => z.number().min(0),
  /** An integer >= 1. */
  count: () => z.number().int().min(1),
  /** An integer >= 0. */
  index: () => z.number().int().min(0),
  /** [0, 1). */
  fraction: () => z.number().min(0).lt(1),
  /** [0, 1]. */
  probability: () => z.number().min(0).max(1),
};
