/**
 * Training-throughput benchmark of the compute backends (`npm run bench:backends`):
 * a LeNet-style two-head CNN and a 3-layer MLP on cpu, wasm (1 and 2 threads) and tensorflow
 * (when a real tfjs-node loads), each in its own process, plus the machine's sgemm peak.
 * Writes bench/backends/REPORT.md and bench/out/backends.json.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeMachine, measureSgemm } from "./machine.js";
import type { MeasureConfig, MeasureResult } from "./measure.js";
import { lenetTwoHead, mlp } from "./models.js";
import { renderReport } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The package root (this file also runs compiled, from dist/bench/backends). */
function packageRoot(dir: string): string {
  return existsSync(join(dir, "package.json")) || dirname(dir) === dir
    ? dir
    : packageRoot(dirname(dir));
}
const root = packageRoot(here);
const measureScript = join(here, `measure${extname(fileURLToPath(import.meta.url))}`);
const quick = process.argv.includes("--quick");
const STEPS = quick ? 4 : 20;

/** Runs one measurement in a child process (a hang or crash there cannot stop the run). */
function measure(config: MeasureConfig, timeoutSec = 300): MeasureResult {
  process.stdout.write(`  ${JSON.stringify(config)} ... `);
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", measureScript, JSON.stringify(config)],
    { cwd: root, encoding: "utf8", timeout: timeoutSec * 1000, maxBuffer: 1 << 24 },
  );
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith("RESULT "));
  const result: MeasureResult = line
    ? (JSON.parse(line.slice(7)) as MeasureResult)
    : {
        config,
        ok: false,
        error: r.error
          ? r.error.message
          : `exit ${r.status}: ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" ")}`,
      };
  console.log(
    result.ok
      ? `${result.samplesPerSec?.toFixed(1) ?? result.gflops?.toFixed(1)} ${result.samplesPerSec ? "samples/s" : "GFLOP/s"}`
      : `skipped: ${result.error}`,
  );
  return result;
}

function main(): void {
  const started = performance.now();
  const machine = describeMachine();
  console.log(
    `polytask backend benchmark on ${machine.cpu} (${machine.cores} cores), load ${machine.loadStart[0]?.toFixed(2)}`,
  );
  console.log("sgemm peak (numpy/OpenBLAS) ...");
  const sgemm = measureSgemm(root);
  console.log(
    sgemm
      ? `  ${sgemm.gflops1.toFixed(1)} GFLOP/s (1 thread), ${sgemm.gflops2.toFixed(1)} (2 threads)`
      : "  not measured",
  );
  const wasmMatmul = measure({
    backend: "wasm-matmul",
    model: "mlp",
    batch: 0,
    warmupSteps: 0,
    steps: 0,
  });

  const results: MeasureResult[] = [];
  for (const model of ["cnn", "mlp"] as const) {
    console.log(`${model}:`);
    const cpuBatch = model === "cnn" ? 32 : 256;
    results.push(
      measure(
        { backend: "cpu", model, batch: cpuBatch, warmupSteps: 1, steps: quick ? 1 : 2 },
        900,
      ),
    );
    for (const threads of [1, 2]) {
      results.push(
        measure({ backend: "wasm", threads, model, batch: 256, warmupSteps: 3, steps: STEPS }),
      );
    }
    results.push(
      measure({ backend: "tensorflow", model, batch: 256, warmupSteps: 3, steps: STEPS }),
    );
  }
  console.log("A/B: the MLP on wasm with the package's own matmul kernels:");
  const unpatched = ["BatchMatMul", "_FusedMatMul"];
  results.push(
    measure({
      backend: "wasm",
      threads: 1,
      model: "mlp",
      batch: 256,
      warmupSteps: 2,
      steps: 5,
      unpatched,
    }),
  );

  const report = renderReport({
    machine,
    loadEnd: loadavg(),
    sgemm,
    wasmMatmul,
    results,
    flopsPerSample: { cnn: lenetTwoHead().flopsPerSample, mlp: mlp().flopsPerSample },
    durationSec: (performance.now() - started) / 1000,
  });
  writeFileSync(join(root, "bench/backends/REPORT.md"), report);
  mkdirSync(join(root, "bench/out"), { recursive: true });
  writeFileSync(
    join(root, "bench/out/backends.json"),
    JSON.stringify({ machine, sgemm, wasmMatmul, results }, null, 2),
  );
  console.log("wrote bench/backends/REPORT.md and bench/out/backends.json");
}

main();
