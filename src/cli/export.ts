/**
 * `polytask export <run-dir> <out-dir> [--format F]`: a saved run as a model plain
 * TensorFlow.js (or TensorFlow) loads; `polytask native converter`: installs the converter the
 * tfjs-graph and savedmodel formats need (src/model/export/converter.ts).
 */
import { load } from "../api/run.js";
import { ConfigError } from "../errors.js";
import { converterVenv, ensureConverter } from "../model/export/converter.js";
import { EXPORT_FORMATS, type ExportFormat } from "../model/export/index.js";
import { commandHelp } from "./help.js";

export function parseExportArgs(args: string[]): {
  run: string;
  out: string;
  format: ExportFormat;
} {
  const positional: string[] = [];
  let format: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--format" || a.startsWith("--format=")) {
      format = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (!format)
        throw new ConfigError(`--format needs a value.\n${commandHelp("export")}`, {
          field: "--format",
          expected: EXPORT_FORMATS.join(", "),
        });
    } else if (a.startsWith("-")) {
      throw new ConfigError(`Unknown option "${a}".\n${commandHelp("export")}`, {
        field: "export",
        value: a,
        expected: "--format",
      });
    } else positional.push(a);
  }
  if (positional.length !== 2)
    throw new ConfigError(
      `export needs a run folder and an output folder.\n${commandHelp("export")}`,
      {
        field: "export",
        value: positional,
        expected: "<run-dir> <out-dir>",
      },
    );
  if (format !== undefined && !(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new ConfigError(`--format ${format} is not one of ${EXPORT_FORMATS.join(", ")}.`, {
      field: "--format",
      value: format,
      expected: EXPORT_FORMATS.join(", "),
    });
  return {
    run: positional[0],
    out: positional[1],
    format: (format ?? "tfjs-layers") as ExportFormat,
  };
}

export async function exportCommand(args: string[]): Promise<number> {
  const a = parseExportArgs(args);
  const run = await load(a.run);
  const info = await run.export(a.out, { format: a.format });
  console.log(`exported ${a.format} to ${info.dir}`);
  for (const o of info.outputs)
    console.log(`  output "${o.task}": ${o.head}, ${o.activation}, reads input "${o.input}"`);
  return 0;
}

export async function converterCommand(args: string[]): Promise<number> {
  if (args.length > 0)
    throw new ConfigError(`Unknown argument "${args[0]}".\n${commandHelp("native converter")}`, {
      field: "native converter",
      value: args[0],
    });
  const python = await ensureConverter((line) => console.log(line));
  console.log(`TensorFlow.js converter ready in ${converterVenv()} (${python})`);
  return 0;
}
