/**
 * Writes the GPU check's data into a folder (scripts/gpu/prepare.sh): the shared-input
 * benchmark's MultiMNIST images and label sets and polytask's initial weights for each K, as
 * bench/gpu/data.ts reads them. usage: prepare-data.ts DIR [N]
 */
import { mkdirSync } from "node:fs";
import { writeGpuData } from "../../bench/gpu/data.js";
import { DATA_SAMPLES, DATA_TASKS } from "../../bench/gpu/plan.js";
import { useBackend } from "../../src/index.js";

const [dir, nArg] = process.argv.slice(2);
if (!dir) throw new Error("usage: prepare-data.ts DIR [N]");
const n = Number(nArg ?? DATA_SAMPLES);
mkdirSync(dir, { recursive: true });
await useBackend("cpu", { quiet: true });
await writeGpuData(dir, n, DATA_TASKS);
console.log(
  `prepare-data: ${n} MultiMNIST samples, ${Math.max(...DATA_TASKS)} label sets and the ` +
    `initial weights for K = ${DATA_TASKS.join(", ")} in ${dir}`,
);
