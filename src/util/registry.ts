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
import { parseOptions, type z } from "./schema.js";

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

  /** The entry of `name`, or an `UnknownNameError` listing the known names. */
  entry(name: unknown): RegistryEntry<T> {
    const e = typeof name === "string" ? this.entries.get(name) : undefined;
    if (!e) throw new UnknownNameError(this.kind, String(name), this.names());
    return e;
  }

  /** The schema of `name`'s options. */
  schema(name: string): z.ZodType {
    return this.entry(name).schema;
  }

  /** Validates `options` against `name`'s schema and builds the plug-in. */
  create(name: unknown, options: unknown = {}, where?: string): T {
    const e = this.entry(name);
    const parsed = this.validate(e.name, options ?? {}, where);
    return e.create(parsed);
  }

  /** Validates `options` for `name` and returns them parsed (defaults applied). */
  validate(name: string, options: unknown, where?: string): unknown {
    const e = this.entry(name);
    return parseOptions(e.schema, options, { where: where ?? `${this.kind} "${e.name}"` });
  }

  /**
   * A plug-in from a name, a `{ name, ...options }` object (JSON configs) or an instance
   * (recognised by `isInstance`). Anything else is a ConfigError naming `field`.
   */
  resolve(value: unknown, isInstance: (x: unknown) => x is T, field: string): T {
    if (isInstance(value)) return value;
    if (typeof value === "string") return this.create(value);
    if (value !== null && typeof value === "object" && "name" in value) {
      const { name, ...options } = value as { name: unknown };
      return this.create(name, options);
    }
    throw new ConfigError(
      `Option "${field}" is ${show(value)}; expected a ${this.kind} name (${this.names().join(", ")}), { name, ...options }, or a ${this.kind} object.`,
      { field, value, expected: `a ${this.kind}` },
    );
  }
}
