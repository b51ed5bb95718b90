/**
 * Random-kill campaign for checkpoints: child processes save a prepared checkpoint to one
 * folder in a loop (test/train/checkpoint-child.fixture.ts) and are SIGKILLed after a random
 * delay; after every kill the folder must load (the initial checkpoint or one of the saves) and,
 * once loaded, hold no leftovers (one version folder). With `--writers 2`, two savers race and
 * one of them (chosen at random) is SIGKILLed and the other terminated (SIGTERM) right after.
 * Prints one JSON line of counts. Usage:
 *   node --import tsx bench/checkpoint/kill-campaign.ts [--kills 200] [--writers 1|2] [--mb 4]
 */
import { spawn } from "node:child_process";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as pt from "../../src/index.js";
import { readCheckpoint } from "../../src/train/checkpoint.js";
import { Random } from "../../src/util/random.js";

const argv = process.argv;
const arg = (k: string, d: number) => (argv.includes(k) ? Number(argv[argv.indexOf(k) + 1]) : d);
const KILLS = arg("--kills", 200);
const WRITERS = arg("--writers", 1);
const MB = arg("--mb", 4);
const CHILD = fileURLToPath(
  new URL("../../test/train/checkpoint-child.fixture.ts", import.meta.url),
);

function startSaver(src: string, dst: string, id: number) {
  const p = spawn(
    process.execPath,
    ["--import", "tsx", CHILD, "saves", src, dst, "100000", String(id)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let err = "";
  p.stderr.on("data", (d) => {
    err += d;
  });
  const exit = new Promise<void>((resolve) => p.on("exit", () => resolve()));
  // a saver that dies before it is ready is a failure of the campaign, not a silent exit
  const ready = new Promise<void>((resolve, reject) => {
    p.stdout.once("data", () => resolve());
    exit.then(() =>
      reject(new Error(`saver ${id} exited before it was ready: ${err.slice(-400)}`)),
    );
  });
  return { p, ready, exit };
}

await pt.useBackend("cpu");
const root = await mkdtemp(join(tmpdir(), "polytask-kills-"));
// a checkpoint of about MB megabytes (weights + Adam slots)
const dim = 64;
const units = Math.round(Math.sqrt((MB * 1e6) / 12));
const r = new Random(1);
const x = Float32Array.from({ length: 64 * dim }, () => r.normal());
const y = Float32Array.from({ length: 64 }, () => r.normal());
const ds = pt.datasets.fromArrays({ x, y, inputShape: [dim], labelKind: "regression", name: "t" });
const run = await pt
  .model({ input: [dim] })
  .backbone(pt.backbones.mlp({ units: [units, units] }))
  .head("t", pt.heads.regression(1))
  .fit({ t: ds }, { epochs: 1, batchSize: 32, listeners: [] });
const src = join(root, "src");
await run.save(src);
const initial = (await readCheckpoint(src)).state.time;
const counts = {
  kills: 0,
  loaded: 0,
  initial: 0,
  saved: 0,
  leftoversAfterLoad: 0,
  failures: [] as string[],
};
let saveMs = 0;
{
  const t0 = performance.now();
  await run.save(join(root, "timing"));
  saveMs = performance.now() - t0;
}
const rand = new Random(7);
const load0 = loadavg()[0];
for (let k = 0; k < KILLS; k++) {
  const dir = join(root, `k${k}`);
  await cp(src, dir, { recursive: true });
  const savers = Array.from({ length: WRITERS }, (_, i) => startSaver(src, dir, i + 1));
  await Promise.all(savers.map((s) => s.ready));
  if (k % 25 === 0) process.stderr.write(`kill ${k}\n`);
  await new Promise((res) => setTimeout(res, rand.next() * 3 * saveMs));
  const victim = savers[Math.floor(rand.next() * savers.length)];
  victim.p.kill("SIGKILL");
  counts.kills++;
  for (const s of savers) if (s !== victim) s.p.kill("SIGTERM");
  await Promise.all(savers.map((s) => s.exit));
  try {
    const got = await readCheckpoint(dir);
    counts.loaded++;
    if (got.state.time === initial) counts.initial++;
    else counts.saved++;
    const names = await readdir(dir);
    if (names.length !== 1) counts.leftoversAfterLoad++;
  } catch (e) {
    counts.failures.push(`kill ${k}: ${(e as Error).message}`);
  }
  await rm(dir, { recursive: true, force: true });
}
await rm(root, { recursive: true, force: true });
console.log(
  JSON.stringify({
    writers: WRITERS,
    checkpointBytes: MB * 1e6,
    saveMs: +saveMs.toFixed(1),
    loadavg1: [+load0.toFixed(2), +loadavg()[0].toFixed(2)],
    ...counts,
  }),
);
