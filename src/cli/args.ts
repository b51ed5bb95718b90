/**
 * Command-line flags through Node's own `util.parseArgs` (strict: an unknown flag or a missing
 * value is an error), turned into a ConfigError that repeats the usage text.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigError } from "../errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseFlags<O extends Options>(
  args: string[],
  options: O,
  usage: string,
): {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>["values"];
  positionals: string[];
} {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: r.values, positionals: r.positionals };
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${usage}`, {
      field: "arguments",
      value: args.join(" "),
      expected: usage.split("\n")[0],
      cause: e,
    });
  }
}

/** An integer flag >= min, or the default. */
export function intFlag(v: string | undefined, flag: string, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(`${flag} ${JSON.stringify(v)} must be an integer >= ${min}.`, {
      field: flag,
      value: v,
      expected: `an integer >= ${min}`,
    });
  return n;
}

export function wantsHelp(args: readonly string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}
