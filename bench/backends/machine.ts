/** Describes the benchmark machine and measures its sgemm peak with numpy's BLAS. */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem, type } from "node:os";
import { join } from "node:path";

export interface Machine {
  cpu: string;
  cores: number;
  simdFlags: string[];
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
  loadStart: number[];
}

export interface SgemmPeak {
  /** How it was measured, e.g. "numpy 2.4.6 + scipy-openblas 0.3.31 (python3)". */
  source: string;
  gflops1: number;
  gflops2: number;
  /** 1 thread, per second of process CPU time (what an idle core would do). */
  gflops1Cpu: number;
}

export function describeMachine(): Machine {
  const flags = existsSync("/proc/cpuinfo")
    ? (readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1] ?? "").split(/\s+/)
    : [];
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    simdFlags: ["avx", "avx2", "fma", "avx512f"].filter((f) => flags.includes(f)),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${process.platform} ${process.arch}`,
    node: process.version,
    date: new Date().toISOString(),
    loadStart: loadavg(),
  };
}

function pythonWithNumpy(root: string): string | undefined {
  const candidates = [join(root, "bench/.venv/bin/python"), "python3"];
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", "import numpy"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  // A clean machine: try a venv with numpy from PyPI.
  const venv = join(root, "bench/.venv");
  const made = spawnSync("python3", ["-m", "venv", venv], { encoding: "utf8" });
  if (made.status !== 0) return undefined;
  const pip = spawnSync(join(venv, "bin/pip"), ["install", "-q", "numpy"], { encoding: "utf8" });
  return pip.status === 0 ? join(venv, "bin/python") : undefined;
}

/** Best-of-5 2048^3 float32 products on 1 and 2 BLAS threads; undefined when numpy is missing. */
export function measureSgemm(root: string): SgemmPeak | undefined {
  const py = pythonWithNumpy(root);
  if (py === undefined) return undefined;
  const run = (threads: number) => {
    const r = spawnSync(py, [join(root, "bench/backends/sgemm.py")], {
      encoding: "utf8",
      env: {
        ...process.env,
        OPENBLAS_NUM_THREADS: String(threads),
        OMP_NUM_THREADS: String(threads),
      },
    });
    if (r.status !== 0) throw new Error(`sgemm.py failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as {
      blas: string;
      numpy: string;
      gflops: number;
      gflops_cpu: number;
    };
  };
  const one = run(1);
  const two = run(2);
  return {
    source: `numpy ${one.numpy} + ${one.blas} (${py})`,
    gflops1: one.gflops,
    gflops2: two.gflops,
    gflops1Cpu: one.gflops_cpu,
  };
}
