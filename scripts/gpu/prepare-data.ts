/**
 * Writes the GPU check's data into a folder (scripts/gpu/prepare.sh): bench/native's MultiMNIST
 * images and LeNet weights, as bench/gpu/data.ts reads them. usage: prepare-data.ts DIR [N]
 */
import { mkdirSync, readFileSync } from "node:fs";
import { writeGpuData } from "../../bench/gpu/data.js";
import { benchData } from "../../bench/native/data.js";

const [dir, nArg] = process.argv.slice(2);
if (!dir) throw new Error("usage: prepare-data.ts DIR [N]");
const n = Number(nArg ?? 8192);
mkdirSync(dir, { recursive: true });
const d = benchData(n);
writeGpuData(dir, d.x, d.left, d.right, readFileSync(d.initFile));
console.log(`prepare-data: ${n} MultiMNIST samples and the LeNet's initial weights in ${dir}`);
