/**
 * Option validation with zod schemas, turned into polytask's typed errors. Every option object
 * (fit options, plug-in options, dataset arguments, CLI configs) is a strict schema: unknown keys
 * are rejected at every depth with the known keys listed (`UnknownNameError`), and every other
 * problem is a `ConfigError` whose `field` is the dotted path and whose message reads
 * `<where>: option "regularize.l2sp": expected a number >= 0, received -1.` Custom checks
 * (`custom(expected, ok)`) give the phrase after "expected".
 */
import { z } from "zod";
import { ConfigError, UnknownNameError, show } from "../errors.js";
import { didYouMean } from "./suggest.js";

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

/**
 * The schemas at `path` inside `s`: one per union alternative that has the path (best effort:
 * objects, unions, records, arrays, tuples).
 */
function schemasAt(s: AnySchema | undefined, path: readonly PropertyKey[]): AnySchema[] {
  const u = unwrap(s);
  // biome-ignore lint/suspicious/noExplicitAny: see unwrap
  const d: any = (u as any)?._zod?.def;
  if (!u || !d) return [];
  if (d.type === "union") return d.options.flatMap((o: AnySchema) => schemasAt(o, path));
  if (path.length === 0) return [u];
  const [key, ...rest] = path;
  let next: AnySchema | undefined;
  if (d.type === "record") next = d.valueType;
  else if (d.type === "array") next = d.element;
  else if (d.type === "tuple") next = d.items[Number(key)] ?? d.rest;
  else if (d.type === "intersection")
    return [...schemasAt(d.left, path), ...schemasAt(d.right, path)];
  else if (d.type === "object")
    next = Object.hasOwn(d.shape, String(key)) ? d.shape[String(key)] : undefined;
  return next ? schemasAt(next, rest) : [];
}

/** The keys an object schema at `path` knows. */
export function knownKeys(s: AnySchema, path: readonly PropertyKey[] = []): string[] {
  const keys = new Set<string>();
  for (const at of schemasAt(s, path))
    for (const shape of shapesOf(at)) for (const k of Object.keys(shape)) keys.add(k);
  return [...keys];
}

/** true when the number schema at `path` only takes integers. */
function integerAt(s: AnySchema, path: readonly PropertyKey[]): boolean {
  return schemasAt(s, path).some((x) => (x as { isInt?: boolean }).isInt === true);
}

function dotted(prefix: string | undefined, path: readonly PropertyKey[]): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map(String)];
  return parts.join(".");
}

const TYPE_WORDS: Record<string, string> = {
  number: "a finite number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  object: "an object",
  array: "a list",
  function: "a function",
  nonoptional: "a value (it is required)",
};

function sizeWords(origin: string, op: string, n: number | bigint): string {
  if (origin === "string")
    return op === ">=" && n === 1 ? "a non-empty string" : `a string of ${op} ${n} characters`;
  if (origin === "array" || origin === "set")
    return op === ">=" && n === 1 ? "a non-empty list" : `a list of ${op} ${n} items`;
  return `${origin} of size ${op} ${n}`;
}

/**
 * "a number > 0", "an integer >= 1", "one of "shared", "representation"", ... from a zod issue;
 * `int`: the number must be an integer.
 */
function expectation(issue: z.core.$ZodIssue, int = false): string {
  const number = int ? "an integer" : "a number";
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "number" && int) return "an integer";
      return TYPE_WORDS[issue.expected] ?? `a value of type ${issue.expected}`;
    case "too_small": {
      const op = issue.inclusive ? ">=" : ">";
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint")
        return `${number} ${op} ${issue.minimum}`;
      return sizeWords(issue.origin, op, issue.minimum);
    }
    case "too_big": {
      const op = issue.inclusive ? "<=" : "<";
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint")
        return `${number} ${op} ${issue.maximum}`;
      return sizeWords(issue.origin, op, issue.maximum);
    }
    case "invalid_value":
      return issue.values.length === 1
        ? show(issue.values[0])
        : `one of ${issue.values.map((v) => show(v)).join(", ")}`;
    case "not_multiple_of":
      return `a multiple of ${issue.divisor}`;
    case "invalid_format":
      return `a ${issue.format} string`;
    case "invalid_union": {
      const forms = [
        ...new Set(issue.errors.map((alt) => (alt[0] ? expectation(alt[0], int) : ""))),
      ];
      return forms.filter(Boolean).join(" or ") || "one of the accepted forms";
    }
    default:
      return issue.message;
  }
}

/**
 * The issue to report: for a union where exactly one alternative had the right type (its
 * problem lies deeper, e.g. an item of a list or a key of an object), that alternative's issue
 * with the full path; otherwise the issue itself.
 */
function focus(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union") return issue;
  const shallow = (alt: readonly z.core.$ZodIssue[]) =>
    alt.every(
      (i) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_union"),
    );
  const deep = issue.errors.filter((alt) => alt.length > 0 && !shallow(alt));
  if (deep.length !== 1) return issue;
  const inner = focus(deep[0][0]);
  return { ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue;
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
  throw issueError(schema, focus(firstIssue(r.error.issues)), opts, value);
}

/**
 * The issue to report first: an unknown key before a missing value (`{ evry: 1 }` is a typo
 * of `every`, better reported as such than as "every is missing"), else zod's first.
 */
function firstIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  const missing = (i: z.core.$ZodIssue) =>
    (i.code === "invalid_type" || i.code === "invalid_union") &&
    (i as { input?: unknown }).input === undefined;
  if (!missing(issues[0])) return issues[0];
  return issues.find((i) => i.code === "unrecognized_keys") ?? issues[0];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const k of path) cur = cur == null ? undefined : (cur as Record<PropertyKey, unknown>)[k];
  return cur;
}

/** The typed error for one zod issue. */
export function issueError(
  schema: AnySchema,
  issue: z.core.$ZodIssue,
  opts: ParseOptions,
  root?: unknown,
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
      `${opts.where}: unknown option "${field}"${didYouMean(String(bad), known)}. Known options${of}: ${known.join(", ") || "(none)"}.`,
      { field, value: bad, task: opts.task },
    );
  }
  const field = dotted(opts.prefix, issue.path);
  const expected = expectation(issue, integerAt(schema, issue.path));
  // a refinement of an object sees the object; report the value at the issue's path
  const at = issue.code === "custom" && root !== undefined ? valueAt(root, issue.path) : undefined;
  const got =
    at !== undefined
      ? show(at)
      : received(issue as z.core.$ZodIssue & { input?: unknown; received?: string });
  const name = field ? `option "${field}"` : "options";
  return new ConfigError(`${opts.where}: ${name}: expected ${expected}, received ${got}.`, {
    field: field || undefined,
    value: at !== undefined ? at : (issue as { input?: unknown }).input,
    expected,
    task: opts.task,
  });
}

/**
 * A schema for values zod has no type for (plug-in objects, signals, datasets): `expected` is the
 * phrase of the message, `option "x": expected <expected>, received <value>`.
 */
export function custom<T>(expected: string, ok: (v: unknown) => boolean): z.ZodType<T> {
  return z.custom<T>(ok, { message: expected });
}

/** Common option shapes. */
export const num = {
  /** Any finite number > 0 (learning rates: 1e6 is legal). */
  positive: () => z.number().gt(0),
  /** Any integer (seeds). */
  integer: () => z.number().int(),
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
