/**
 * The MultiMNIST reproduction's driver (Sener & Koltun 2018, Table 3; see README.md).
 *
 *   node --import tsx bench/reproduce/multimnist/run.ts start [--root DIR] [settings]
 *     starts (or continues) the campaign in the background: a detached, nice 19 scheduler
 *     that logs to DIR/scheduler.log and each run's job.log
 *   ... run.ts status [--root DIR]     progress: runs per phase, running jobs, time left
 *   ... run.ts report [--root DIR] [--out DIR]   writes results.json and REPORT.md
 *   ... run.ts stop [--root DIR]       jobs checkpoint at their next step and exit
 *   ... run.ts scheduler [--root DIR]  the scheduler in the foreground (what start runs)
 *
 * Settings (fixed when the campaign is created, in DIR/campaign.json; `--parallel` and
 * `--threads` may change later): --search-epochs N --final-epochs N --seeds 0,1,2
 * --lrs 1e-4,... --train-limit N --test-limit N --configs uniform,mgda,...
 * --ablations released,normalized,test-selected|none --ablation-seeds 0,1,2 --parallel N --threads N --backend NAME.
 */
import { spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import { CONFIGS, type Campaign, type ConfigName, VARIANTS, type Variant } from "./plan.js";
import { printProgress } from "./progress.js";
import { writeReport } from "./report.js";
import { runScheduler } from "./scheduler.js";
import { DEFAULT_ROOT, HERE, alive, openCampaign, readPid, writeJson } from "./store.js";

const [command, ...rest] = process.argv.slice(2);
const flags = new Map<string, string>();
for (let i = 0; i < rest.length; i++) {
  const k = rest[i];
  if (!k.startsWith("--")) throw new Error(`run.ts: unexpected argument "${k}"`);
  const v = rest[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`run.ts: ${k} needs a value`);
  flags.set(k.slice(2), v);
  i++;
}
const root = resolve(flags.get("root") ?? DEFAULT_ROOT);

const ints = (s: string) => s.split(",").map((x) => Number.parseInt(x, 10));
function settings(): Partial<Campaign> {
  const s: Partial<Campaign> = {};
  const num = (k: string) => {
    const v = Number(flags.get(k));
    if (!Number.isFinite(v) || v <= 0) throw new Error(`run.ts: --${k} must be a positive number`);
    return v;
  };
  if (flags.has("search-epochs")) s.searchEpochs = num("search-epochs");
  if (flags.has("final-epochs")) s.finalEpochs = num("final-epochs");
  if (flags.has("seeds")) s.seeds = ints(flags.get("seeds") as string);
  if (flags.has("lrs")) s.lrGrid = (flags.get("lrs") as string).split(",").map(Number);
  if (flags.has("train-limit")) s.trainLimit = num("train-limit");
  if (flags.has("test-limit")) s.testLimit = num("test-limit");
  if (flags.has("configs")) {
    const cs = (flags.get("configs") as string).split(",");
    for (const x of cs)
      if (!(CONFIGS as readonly string[]).includes(x))
        throw new Error(`run.ts: unknown configuration "${x}"; known: ${CONFIGS.join(", ")}`);
    s.configs = cs as ConfigName[];
  }
  if (flags.has("ablations")) {
    const a =
      flags.get("ablations") === "none" ? [] : (flags.get("ablations") as string).split(",");
    for (const x of a)
      if (!(VARIANTS as readonly string[]).includes(x) || x === "paper")
        throw new Error(
          `run.ts: unknown ablation "${x}"; known: ${VARIANTS.filter((v) => v !== "paper").join(", ")}, none`,
        );
    s.ablations = a as Variant[];
  }
  if (flags.has("ablation-seeds")) s.ablationSeeds = ints(flags.get("ablation-seeds") as string);
  if (flags.has("parallel")) s.parallel = num("parallel");
  if (flags.has("threads")) s.threadsPerJob = num("threads");
  if (flags.has("backend")) s.backend = flags.get("backend");
  return s;
}

/** Creates the campaign, or updates the settings that do not change results. */
function campaign(): Campaign {
  const s = settings();
  const c = openCampaign(root, {
    ...s,
    createdBy: `node --import tsx bench/reproduce/multimnist/run.ts ${process.argv.slice(2).join(" ")}`,
  });
  const tuned = {
    ...c,
    ...(s.parallel ? { parallel: s.parallel } : {}),
    ...(s.threadsPerJob ? { threadsPerJob: s.threadsPerJob } : {}),
  };
  if (tuned.parallel !== c.parallel || tuned.threadsPerJob !== c.threadsPerJob)
    writeJson(join(root, "campaign.json"), tuned);
  return tuned;
}

switch (command) {
  case "start": {
    campaign();
    const pid = readPid(join(root, "scheduler.pid"));
    if (alive(pid)) {
      console.log(`already running: scheduler pid ${pid} (log ${join(root, "scheduler.log")})`);
      break;
    }
    mkdirSync(root, { recursive: true });
    const log = openSync(join(root, "scheduler.log"), "a");
    const child = spawn(
      "nice",
      [
        "-n",
        "19",
        process.execPath,
        "--import",
        "tsx",
        join(HERE, "run.ts"),
        "scheduler",
        "--root",
        root,
      ],
      { cwd: join(HERE, "../../.."), detached: true, stdio: ["ignore", log, log] },
    );
    child.unref();
    console.log(
      `started scheduler pid ${child.pid} (nice 19, own session); log ${join(root, "scheduler.log")}`,
    );
    break;
  }
  case "scheduler":
    campaign();
    await runScheduler(root);
    break;
  case "status":
    printProgress(root);
    break;
  case "report": {
    const out = resolve(flags.get("out") ?? HERE);
    const w = writeReport(root, out);
    console.log(`wrote ${w.json} and ${w.md}`);
    break;
  }
  case "stop": {
    const pid = readPid(join(root, "scheduler.pid"));
    if (!alive(pid)) console.log("no scheduler running");
    else {
      process.kill(pid as number, "SIGTERM");
      console.log(`asked scheduler ${pid} to stop (its jobs checkpoint and exit)`);
    }
    break;
  }
  default:
    console.log(
      "usage: run.ts start|status|report|stop|scheduler [--root DIR] [settings]; see the file's header",
    );
    process.exitCode = command ? 1 : 0;
}
