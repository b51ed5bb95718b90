/**
 * `polytask data convert <source> --out DIR`: writes Parquet shards that
 * `datasets.fromParquet` streams, from a built-in dataset (mnist, fashionMnist, multiMnist as a
 * group with labels left/right) or a CSV/JSON file (through fromCsv/fromJson, so the file itself
 * must fit in memory once; training from the shards then does not).
 */
import { resolve } from "node:path";
import { ConfigError } from "../errors.js";
import * as pt from "../index.js";
import { intFlag, parseFlags, wantsHelp } from "./args.js";

export const DATA_USAGE = `usage: polytask data convert <source> --out DIR [options]

Writes Apache Parquet shards for datasets.fromParquet(DIR, { features: "x", label | labels }).

Sources:
  mnist | fashionMnist     --split train|test (default train), --limit N
  multiMnist               a task group: labels "left" and "right" (--split, --limit, --seed)
  FILE.csv | FILE.json     --features a,b,c and --label COL (one task)
                           or --labels task=COL,task=COL (a group);
                           --missing drop leaves out rows with an empty cell

Options:
  --out DIR                output directory (required)
  --rows-per-shard N       rows per shard file (default 10000)
  --row-group N            rows per row group, what a streamed source reads at a time (default 1000)
  --layout tensor|list     sample column: raw float32 bytes (default, fastest) or a Parquet LIST
  --codec snappy|none      sample column compression (default snappy; none reads a little
                           faster from files several times larger)
  --name NAME              dataset name stored in the shards
  -h, --help               this help
`;

const OPTIONS = {
  out: { type: "string" },
  split: { type: "string" },
  limit: { type: "string" },
  seed: { type: "string" },
  features: { type: "string" },
  label: { type: "string" },
  labels: { type: "string" },
  missing: { type: "string" },
  "rows-per-shard": { type: "string" },
  "row-group": { type: "string" },
  layout: { type: "string" },
  codec: { type: "string" },
  name: { type: "string" },
} as const;

type Flags = ReturnType<typeof parseFlags<typeof OPTIONS>>["values"];

function fail(message: string, field: string, value?: unknown): never {
  throw new ConfigError(`${message}\n\n${DATA_USAGE}`, { field, value });
}

/** The datasets (task -> Dataset, sharing one input) named by `source`. */
async function load(source: string, f: Flags): Promise<Record<string, pt.Dataset>> {
  const split = (f.split ?? "train") as "train" | "test";
  const limit = f.limit === undefined ? undefined : intFlag(f.limit, "--limit", 0);
  const seed = f.seed === undefined ? undefined : intFlag(f.seed, "--seed", 0, 0);
  if (source === "mnist" || source === "fashionMnist") {
    const d = await pt.datasets[source]({ split, limit });
    return { label: d };
  }
  if (source === "multiMnist") {
    const g = await pt.datasets.multiMnist({ split, limit, seed });
    return { left: g.left, right: g.right };
  }
  const isCsv = /\.csv$/i.test(source);
  if (!isCsv && !/\.json$/i.test(source))
    fail(
      `Unknown source "${source}": a built-in (mnist, fashionMnist, multiMnist) or a .csv/.json file.`,
      "source",
      source,
    );
  if (!f.features) fail("--features is required for CSV/JSON sources.", "--features");
  const features = f.features.split(",").map((s) => s.trim());
  const labels: [string, string][] = f.labels
    ? f.labels.split(",").map((kv) => {
        const [task, col] = kv.split("=").map((s) => s.trim());
        if (!task || !col) fail(`--labels entry "${kv}" is not task=column.`, "--labels", kv);
        return [task, col] as [string, string];
      })
    : f.label
      ? [["label", f.label]]
      : fail("--label or --labels is required for CSV/JSON sources.", "--label");
  const missing = f.missing ?? "error";
  if (missing !== "error" && missing !== "drop")
    fail(`--missing "${missing}" is not error or drop.`, "--missing", missing);
  const path = resolve(source);
  if (!f.labels) {
    const args = { features, label: labels[0][1], missing: missing as "error" | "drop" };
    const d = isCsv
      ? await pt.datasets.fromCsv(path, args)
      : await pt.datasets.fromJson(path, args);
    return { [labels[0][0]]: d };
  }
  // one input with several label columns: a task group; an empty label cell is a masked label
  // (written as null), an empty feature cell fails or, with --missing drop, drops the row
  const args = {
    features,
    labels: Object.fromEntries(labels),
    missing: missing as "error" | "drop",
  };
  const out: Record<string, pt.Dataset> = isCsv
    ? await pt.datasets.fromCsv(path, args)
    : await pt.datasets.fromJson(path, args);
  return out;
}

export async function dataCommand(args: string[]): Promise<number> {
  if (args[0] !== "convert" || wantsHelp(args)) {
    process.stdout.write(DATA_USAGE);
    return args[0] === "convert" || wantsHelp(args) ? 0 : 2;
  }
  const { values: f, positionals } = parseFlags(args.slice(1), OPTIONS, DATA_USAGE);
  if (positionals.length !== 1) fail("Give exactly one source.", "source", positionals);
  if (!f.out) fail("--out DIR is required.", "--out");
  const layout = f.layout ?? "tensor";
  if (layout !== "tensor" && layout !== "list")
    fail(`--layout "${layout}" is not tensor or list.`, "--layout", layout);
  const codec =
    f.codec === undefined
      ? undefined
      : f.codec === "none"
        ? "UNCOMPRESSED"
        : f.codec === "snappy"
          ? "SNAPPY"
          : fail(`--codec "${f.codec}" is not none or snappy.`, "--codec", f.codec);
  const tasks = await load(positionals[0], f);
  const w = await pt.writeParquetShards(tasks, {
    dir: resolve(f.out),
    rowsPerShard: intFlag(f["rows-per-shard"], "--rows-per-shard", 10000),
    rowGroupSize: intFlag(f["row-group"], "--row-group", 1000),
    layout,
    ...(codec ? { codec } : {}),
    name: f.name ?? Object.values(tasks)[0].name,
  });
  const keys = Object.keys(tasks);
  const labelArg =
    keys.length === 1
      ? `label: "${keys[0]}"`
      : `labels: { ${keys.map((k) => `${k}: "${k}"`).join(", ")} }`;
  console.log(
    `wrote ${w.rows} rows in ${w.files.length} shard(s), ${w.rowGroups} row group(s), to ${resolve(f.out)}`,
  );
  console.log(
    `read back: await pt.datasets.fromParquet(${JSON.stringify(resolve(f.out))}, { features: "x", ${labelArg} })`,
  );
  return 0;
}
