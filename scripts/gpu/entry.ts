import { loadGpuData } from "../../bench/gpu/data.js";
/**
 * Entry of the GPU check's bundle (`node polytask-gpu.mjs <command>`); also runs from a checkout
 * (`node --import tsx scripts/gpu/entry.ts <command>`).
 *
 *   all [--quick] [--data DIR] [--out FILE]   the whole check; writes bench/gpu/REPORT.md
 *   test kernels|training|fit                one agreement test file (node:test, TAP output)
 *   lenet BACKEND DIR BATCH WARMUP STEPS MAX_SECONDS      one LeNet (K = 2) fit (JSON line)
 *   kscale BACKEND DIR BATCH WARMUP STEPS MAX_SECONDS K   one fit of K tasks on one input
 *
 * Environment: POLYTASK_GPU_DATA (data folder, default .gpu/data), POLYTASK_TORCH_PYTHON
 * (default python3), POLYTASK_TORCH_DEVICE (cuda | cpu | auto, default auto),
 * POLYTASK_GPU_TIMEOUT (seconds for `all`, default 330: what is left out past it is reported).
 */
import type { BackendName } from "../../src/backend/select.js";

const [command, ...rest] = process.argv.slice(2);
const option = (name: string, dflt: string) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? (rest[i + 1] as string) : dflt;
};

async function main(): Promise<number> {
  switch (command) {
    case "all": {
      const { runAll } = await import("../../bench/gpu/run.js");
      await runAll({
        dataDir: option("data", process.env.POLYTASK_GPU_DATA ?? ".gpu/data"),
        out: option("out", "bench/gpu/REPORT.md"),
        quick: rest.includes("--quick"),
        python: process.env.POLYTASK_TORCH_PYTHON ?? "python3",
        torchDevice: process.env.POLYTASK_TORCH_DEVICE ?? "auto",
        torchScript: "bench/gpu/torch_bench.py",
        // run.sh's hard limit (POLYTASK_GPU_TIMEOUT) less a margin for its own steps
        budgetS: Number(process.env.POLYTASK_GPU_TIMEOUT ?? 330) - 10,
      });
      return 0;
    }
    case "test": {
      // Static specifiers, so the bundler includes each file; node:test runs what they declare.
      const name = rest[0];
      if (name === "kernels") await import("../../test/backend/webgpu-kernels.test.js");
      else if (name === "training") await import("../../test/backend/webgpu-training.test.js");
      else if (name === "fit") await import("../../test/train/webgpu-fit.test.js");
      else throw new Error(`test: unknown file ${name}; expected kernels, training or fit`);
      return 0;
    }
    case "lenet":
    case "kscale": {
      const [backend, dir, batch, warmup, steps, maxSeconds, tasks] = rest;
      const plan = {
        batch: Number(batch),
        warmup: Number(warmup),
        steps: Number(steps),
        maxSeconds: Number(maxSeconds),
      };
      const data = loadGpuData(dir as string);
      const { measureFit } = await import("../../bench/gpu/measure.js");
      const k = command === "lenet" ? 2 : Number(tasks);
      const result = await measureFit(command, backend as BackendName, data, k, plan);
      console.log(JSON.stringify(result));
      return 0;
    }
    default:
      console.error("usage: polytask-gpu.mjs all [--quick] | test NAME | lenet ... | kscale ...");
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error((e as Error)?.stack ?? String(e));
    process.exitCode = 1;
  },
);
