/**
 * One `Registry<T>` per plug-in kind (weighting, optimizer, schedule, backbone, head,
 * architecture, sampler, transform, metric, figure kind). Lookups are own-property only: a name
 * such as "constructor", "toString" or "__proto__" is an `UnknownNameError` listing the known
 * names, like any other unknown name. Each entry carries the zod schema of its options, and
 * `create(name, options)` validates them (unknown keys at any depth, ranges, types) before
 * calling the factory, so a string name, a `{ name, ...options }` object from a JSON config and
 * the public factory (`pt.weighting.pcgrad({...})`) all go through the same checks.
 */
import { ConfigError, UnknownNameError, show } from "../errors.js";
import { type ParseOptions, parseOptions, type z } from "./schema.js";
import { didYouMean } from "./suggest.js";

/**
 * Where a plug-in is made, for messages: a caller name (`"fit"`), or `{ where, prefix, task }`
 * plus `nameField`, the option that held the name (`"optimizer"`, `"sampler.name"`).
 */
export type Context = string | (Partial<ParseOptions> & { nameField?: string });

function ctxObject(ctx?: Context): Partial<ParseOptions> & { nameField?: string } {
  return typeof ctx === "string" ? { where: ctx } : (ctx ?? {});
}

const a = (kind: string) => `${/^[aeiou]/i.test(kind) ? "an" : "a"} ${kind}`;

const join = (prefix: string | undefined, key: string) => (prefix ? `${prefix}.${key}` : key);

export interface RegistryEntry<T, S extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** Schema of the options object `create` takes (`z.strictObject({})` for none). */
  readonly schema: S;
  /** Builds the plug-in from validated options. */
  readonly create: (options: z.output<S>) => T;
  /** One line for `--help` and docs, e.g. the paper. */
  readonly description?: string;
}

export class Registry<T> {
  private readonly entries = new Map<string, RegistryEntry<T>>();

  /** `kind` names the plug-in kind in messages: "weighting strategy", "optimizer", ... */
  constructor(readonly kind: string) {}

  /** Adds (or replaces) an entry. Returns the entry, typed. */
  register<S extends z.ZodType>(entry: RegistryEntry<T, S>): RegistryEntry<T, S> {
    if (typeof entry.name !== "string" || entry.name.length === 0)
      throw new ConfigError(`${this.kind} registry: ${show(entry.name)} is not a name.`, {
        field: "name",
        value: entry.name,
        expected: "a non-empty string",
      });
    this.entries.set(entry.name, Object.freeze({ ...entry }) as unknown as RegistryEntry<T>);
    return entry;
  }

  /** true when `name` is a registered name (own entries only). */
  has(name: unknown): name is string {
    return typeof name === "string" && this.entries.has(name);
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * The entry of `name`, or an `UnknownNameError` listing the known names (and the closest one).
   * With a context, the message names the caller and the option: `fit: option "optimizer":
   * unknown optimizer "adamx" (did you mean "adam"?). Known optimizer names: sgd, adam, adamw.`
   */
  entry(name: unknown, ctx?: Context): RegistryEntry<T> {
    const e = typeof name === "string" ? this.entries.get(name) : undefined;
    if (!e) {
      const known = this.names();
      const c = ctxObject(ctx);
      const hint = typeof name === "string" ? didYouMean(name, known) : "";
      const what = `${this.kind} ${show(name)}${hint}. Known ${this.kind} names: ${known.join(", ")}.`;
      const at = c.nameField ? `option "${c.nameField}": ` : "";
      throw new UnknownNameError(
        this.kind,
        String(name),
        known,
        c.where ? `${c.where}: ${at}unknown ${what}` : `Unknown ${what}`,
        { field: c.nameField ?? this.kind, value: name, task: c.task },
      );
    }
    return e;
  }

  /** The schema of `name`'s options. */
  schema(name: string): z.ZodType {
    return this.entry(name).schema;
  }

  /** Validates `options` against `name`'s schema and builds the plug-in. */
  create(name: unknown, options: unknown = {}, ctx?: Context): T {
    const e = this.entry(name, ctx);
    return e.create(this.validate(e.name, options, ctx));
  }

  /**
   * Validates `options` for `name` and returns them parsed (defaults applied). Messages name
   * `ctx` (`fit`, `config`, ...) and prefix paths with its `prefix` (`sampler.T`); the default
   * names the plug-in: `sampler "temperature": option "T": ...`.
   */
  validate(name: string, options: unknown, ctx?: Context): unknown {
    const e = this.entry(name);
    return parseOptions(e.schema, options, this.context(e.name, ctx));
  }

  /** The parse context of `name`'s options under `ctx`. */
  context(name: string, ctx?: Context): ParseOptions {
    const { nameField: _, ...c } = ctxObject(ctx);
    return { ...c, where: c.where ?? `${this.kind} "${name}"` };
  }

  /**
   * A plug-in from a name, a `{ name, ...options }` object (JSON configs) or an instance
   * (recognised by `isInstance`). Anything else is a ConfigError naming `field`; options of a
   * `{ name, ...options }` object are reported under `field` (`sampler.T`).
   */
  resolve(value: unknown, isInstance: (x: unknown) => x is T, field: string, ctx?: Context): T {
    if (isInstance(value)) return value;
    const c = ctxObject(ctx);
    const at = join(c.prefix, field);
    if (typeof value === "string")
      return this.create(value, {}, c.where ? { ...c, nameField: at } : undefined);
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "name" in value) {
      const { name, ...options } = value as { name: unknown };
      return this.create(
        name,
        options,
        c.where ? { ...c, prefix: at, nameField: `${at}.name` } : undefined,
      );
    }
    const where = c.where ? `${c.where}: ` : "";
    throw new ConfigError(
      `${where}option "${at}": expected ${a(this.kind)} name (${this.names().join(", ")}), { name, ...options }, or ${a(this.kind)} object, received ${show(value)}.`,
      { field: at, value, expected: a(this.kind), task: c.task },
    );
  }
}
