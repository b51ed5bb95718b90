/**
 * Step time of polytask's `fit` before and after core v2 (issue 11: asynchronous reads, the loop
 * over stateful parts, the finiteness check, task groups), through the public API of each tree:
 *   node --import tsx bench/core/step-time.ts [--before DIR] [--rounds 3] [--steps 30]
 * DIR is a checkout of the commit before core v2 (default /work/wt/before = 81193ec, made with
 * `git worktree add --detach DIR 81193ec` plus its node_modules and .native). Each measurement is
 * its own process (worker mode below); rounds interleave before/after and backends. The model is
 * the two-head MultiMNIST LeNet as a convNet (filters 10, 20; dense 50), batch 256, SGD, EW, the
 * left and right digit as two tasks (the old tree has no task groups: every task its own batch,
 * `group: false` in the new one, so both do the same work), and the new tree's grouped run beside
 * them. Writes bench/core/REPORT.md.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};

interface Result {
  tree: string;
  backend: string;
  group: boolean;
  times: number[];
  summary: string;
}

async function worker(): Promise<void> {
  const [, root, backend, stepsArg, groupArg] = args;
  const steps = Number(stepsArg);
  const pt = await import(pathToFileURL(join(root, "src", "index.ts")).href);
  await pt.useBackend(backend, { quiet: true });
  const batch = 256;
  const warmup = 3;
  const m = pt.datasets.multiMnist({ split: "train", limit: batch * (warmup + steps), seed: 0 });
  const net = pt
    .model({ input: [28, 28, 1] })
    .backbone(pt.backbones.convNet({ filters: [10, 20], dense: 50 }))
    .head("left", pt.heads.classifier(10))
    .head("right", pt.heads.classifier(10));
  const stamps: number[] = [];
  const group = groupArg === "1";
  await net.fit(
    { left: m.left, right: m.right },
    {
      epochs: 1,
      batchSize: batch,
      seed: 1,
      optimizer: "sgd",
      lr: 0.01,
      sampler: pt.samplers.proportional({ mode: "all" }),
      ...(group ? {} : root.endsWith("before") ? {} : { group: false }),
      listeners: [{ onStep: () => void stamps.push(performance.now()) }],
    },
  );
  const times = stamps.slice(warmup + 1).map((s, i) => s - stamps[warmup + i]);
  console.log(JSON.stringify({ times, summary: pt.backendInfo().summary }));
}

async function driver(): Promise<void> {
  const before = resolve(opt("before", "/work/wt/before"));
  const after = resolve(import.meta.dirname, "..", "..");
  const rounds = Number(opt("rounds", "3"));
  const steps = opt("steps", "30");
  const configs: { tree: string; root: string; group: boolean }[] = [
    { tree: "before (81193ec)", root: before, group: false },
    { tree: "after, tasks apart", root: after, group: false },
    { tree: "after, one task group", root: after, group: true },
  ];
  const results: Result[] = [];
  const load: number[] = [];
  for (let r = 0; r < rounds; r++)
    for (const backend of ["wasm", "tensorflow"])
      for (const c of configs) {
        load.push(loadavg()[0]);
        const out = execFileSync(
          process.execPath,
          [
            "--import",
            "tsx",
            import.meta.filename,
            "--worker",
            c.root,
            backend,
            steps,
            c.group ? "1" : "0",
          ],
          {
            encoding: "utf8",
            cwd: c.root,
            env: {
              ...process.env,
              TF_CPP_MIN_LOG_LEVEL: "2",
              TF_NUM_INTRAOP_THREADS: "1",
              POLYTASK_QUIET: "1",
            },
            maxBuffer: 1 << 24,
          },
        );
        const line = out
          .trim()
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .pop() as string;
        const res = JSON.parse(line) as { times: number[]; summary: string };
        results.push({ tree: c.tree, backend, group: c.group, ...res });
        console.log(
          `round ${r + 1} ${backend} ${c.tree}: median ${median(res.times).toFixed(1)} ms (load ${loadavg()[0].toFixed(2)})`,
        );
      }
  const lines = [
    "# Step time before and after core v2 (issue 11)",
    "",
    `${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}. Load average (1 min) during the run: min ${Math.min(...load).toFixed(2)}, mean ${(load.reduce((a, b) => a + b, 0) / load.length).toFixed(2)}, max ${Math.max(...load).toFixed(2)}.`,
    "",
    `Command: \`node --import tsx bench/core/step-time.ts ${args.join(" ")}\``,
    "",
    `Two-head LeNet-sized convNet (filters 10, 20, dense 50) on MultiMNIST, batch 256, SGD, EW, both tasks every step, ${rounds} interleaved rounds of ${steps} timed steps after 3 warm-up steps; median step (ms), between consecutive step events of \`fit\`, 1 thread.`,
    "",
    "| backend | before (81193ec): sync reads | after: tasks apart | after vs before | after: one task group | group vs before |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const backend of ["wasm", "tensorflow"]) {
    const m = (tree: string) =>
      median(
        results.filter((r) => r.backend === backend && r.tree === tree).flatMap((r) => r.times),
      );
    const b = m(configs[0].tree);
    const a = m(configs[1].tree);
    const g = m(configs[2].tree);
    lines.push(
      `| ${backend} | ${b.toFixed(1)} | ${a.toFixed(1)} | ${(a / b).toFixed(2)}x | ${g.toFixed(1)} | ${(g / b).toFixed(2)}x |`,
    );
  }
  lines.push("");
  writeFileSync(join(import.meta.dirname, "REPORT.md"), lines.join("\n"));
  console.log(lines.join("\n"));
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

await (args[0] === "--worker" ? worker() : driver());
