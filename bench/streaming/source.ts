/**
 * The data side of streaming (no training; bench/streaming/train.ts measures training through
 * `fit`). Measures what a SampleSource costs before any model runs: samples/s of `next(64)` over
 * Parquet shards (ParquetSource, "tensor" and "list" layouts) against the in-memory path
 * (MemorySource = TaskStream + gather) on MNIST, and the resident memory of a process that
 * streams a dataset several times larger than itself.
 *
 * Usage: node --import tsx bench/streaming/source.ts [--copies 4] [--passes 3]
 * Each measurement runs in a fresh process (`source.ts child <what> ...`); writes the "data"
 * section of bench/streaming/REPORT.md.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeSection } from "./report.js";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) =>
  argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt;

function vmHWM(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

async function child(what: string, dir: string, passes: number): Promise<void> {
  const { openSource } = await import("../../src/data/stream/open.js");
  const { fromParquet } = await import("../../src/data/sources/parquet.js");
  const { mnist } = await import("../../src/data/sources/mnist.js");
  const d =
    what === "memory"
      ? await mnist({ split: "train" })
      : await fromParquet(dir, { features: "x", label: "label" });
  const src = openSource({ label: d }, { seed: 1 });
  const rss: number[] = [];
  const perPass: number[] = [];
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    let n = 0;
    let k = 0;
    while (n < src.size) {
      const c = await src.next(64);
      n += c.size;
      if (++k % 100 === 0) rss.push(process.memoryUsage().rss);
    }
    perPass.push(n / ((performance.now() - t0) / 1000));
  }
  const s = src.stats();
  await src.close();
  console.log(
    JSON.stringify({
      size: src.size,
      perPass,
      rssMin: Math.min(...rss),
      rssMax: Math.max(...rss),
      hwm: vmHWM(),
      maxHeld: s.maxHeld,
    }),
  );
}

function run(args: string[]): Record<string, number & number[]> {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), ...args],
    {
      encoding: "utf8",
      timeout: 1_800_000,
      maxBuffer: 1 << 24,
    },
  );
  if (r.status !== 0) throw new Error(`${args.join(" ")}: ${r.stderr.slice(-1000)}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

async function main(): Promise<void> {
  const copies = opt("--copies", 4);
  const passes = opt("--passes", 3);
  const root = mkdtempSync(join(tmpdir(), "polytask-stream-bench-"));
  const load0 = loadavg();
  const rows: string[] = [];
  try {
    const { mnist } = await import("../../src/data/sources/mnist.js");
    const { writeParquetShards } = await import("../../src/data/stream/parquet-write.js");
    const train = await mnist({ split: "train" });
    const dirs: Record<string, string> = {};
    for (const layout of ["tensor", "list"] as const) {
      dirs[layout] = join(root, layout);
      await writeParquetShards(
        { label: train },
        {
          dir: dirs[layout],
          rowsPerShard: 10000,
          rowGroupSize: 1000,
          layout,
          codec: layout === "tensor" ? "UNCOMPRESSED" : "SNAPPY",
        },
      );
    }
    dirs.snappy = join(root, "snappy");
    await writeParquetShards(
      { label: train },
      { dir: dirs.snappy, rowsPerShard: 10000, rowGroupSize: 1000, codec: "SNAPPY" },
    );
    // a dataset `copies` times MNIST: the tensor shards repeated under other names
    dirs.big = join(root, "big");
    await writeParquetShards(
      { label: train },
      {
        dir: dirs.big,
        rowsPerShard: 10000,
        rowGroupSize: 1000,
        prefix: "c0",
        codec: "UNCOMPRESSED",
      },
    );
    for (let c = 1; c < copies; c++)
      for (const f of readdirSync(join(root, "tensor")))
        copyFileSync(join(root, "tensor", f), join(dirs.big, f.replace("part", `c${c}`)));
    const bytes = (d: string) => readdirSync(d).reduce((a, f) => a + statSync(join(d, f)).size, 0);
    const mb = (b: number) => (b / 2 ** 20).toFixed(0);
    // interleaved: memory, tensor, snappy, list, then again
    const results: Record<string, Record<string, number & number[]>[]> = {
      memory: [],
      tensor: [],
      snappy: [],
      list: [],
    };
    for (let rep = 0; rep < 2; rep++)
      for (const what of ["memory", "tensor", "snappy", "list"])
        results[what].push(run(["child", what, dirs[what] ?? "", String(passes)]));
    const big = run(["child", "tensor", dirs.big, String(passes)]);
    const best = (what: string) => Math.max(...results[what].flatMap((r) => r.perPass));
    const mean = (what: string) => {
      const all = results[what].flatMap((r) => r.perPass);
      return all.reduce((a, b) => a + b, 0) / all.length;
    };
    const rssMax = (what: string) => Math.max(...results[what].map((r) => r.rssMax));
    const inMemory = train.x.byteLength + train.y.byteLength;
    rows.push(
      `| in memory (MemorySource: TaskStream + gather) | ${train.size} | ${mb(inMemory)} MB in RAM | ${mean("memory").toFixed(0)} (best ${best("memory").toFixed(0)}) | ${mb(rssMax("memory"))} MB |`,
      `| Parquet, tensor layout, snappy (ParquetSource, buffer 8192) | ${train.size} | ${mb(bytes(dirs.snappy))} MB on disk | ${mean("snappy").toFixed(0)} (best ${best("snappy").toFixed(0)}) | ${mb(rssMax("snappy"))} MB |`,
      `| Parquet, tensor layout, uncompressed (ParquetSource, buffer 8192) | ${train.size} | ${mb(bytes(dirs.tensor))} MB on disk | ${mean("tensor").toFixed(0)} (best ${best("tensor").toFixed(0)}) | ${mb(rssMax("tensor"))} MB |`,
      `| Parquet, list layout, snappy (ParquetSource, buffer 8192) | ${train.size} | ${mb(bytes(dirs.list))} MB on disk | ${mean("list").toFixed(0)} (best ${best("list").toFixed(0)}) | ${mb(rssMax("list"))} MB |`,
    );
    const bigSamples = big.size * 784 * 4;
    const text = [
      "## The sample source alone (data side)",
      "",
      "No training here: these numbers are the sample source alone (`next(64)`, typed arrays, no tensors). Training through `fit` is measured in the section below (bench/streaming/train.ts).",
      "",
      `Generated by \`node --import tsx bench/streaming/source.ts${argv.length ? ` ${argv.join(" ")}` : ""}\`. Machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, load average ${load0.map((v) => v.toFixed(2)).join(" ")} at the start, ${loadavg()
        .map((v) => v.toFixed(2))
        .join(
          " ",
        )} at the end (shared machine). Each row is a fresh process; memory and Parquet runs interleaved, 2 runs x ${passes} passes each; samples/s is the mean over passes (best pass in brackets). MNIST train, 60,000 x 784 float32, shards of 10,000 rows, row groups of 1,000.`,
      "",
      "| source | samples | data | samples/s, next(64) | RSS max while serving |",
      "|---|---|---|---|---|",
      ...rows,
      "",
      "### Bounded memory while streaming a larger dataset",
      "",
      `${copies} copies of the MNIST shards (${big.size.toLocaleString("en")} samples, ${mb(bigSamples)} MB of float32 samples, ${mb(bytes(dirs.big))} MB on disk), ${passes} passes in one process: RSS ${mb(big.rssMin)}-${mb(big.rssMax)} MB while serving, peak RSS (VmHWM) ${mb(big.hwm)} MB, so the data is ${(bigSamples / big.hwm).toFixed(1)}x the process's peak; the source never held more than ${big.maxHeld} samples (buffer 8192 + one row group of 1000). Throughput ${big.perPass.map((v: number) => v.toFixed(0)).join(", ")} samples/s per pass.`,
      "",
    ].join("\n");
    writeSection("data", text);
    console.log(text);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (argv[0] === "child") await child(argv[1], argv[2], Number(argv[3]));
else await main();
