/**
 * How much Table 3 depends on the test set's random pairing. MultiMNIST's test pairs are the
 * 10,000 MNIST test digits (left), each overlaid with a partner (right) drawn at random from the
 * same split; the campaign composes them once (data seed 0) and every run is tested on that one
 * draw, as the paper's numbers come from one draw of their own. This evaluates each finished
 * final run's selected weights (best mean validation accuracy, from its checkpoint) on test sets
 * composed with other data seeds (the same digits, other partners) and writes `pairings.json`
 * and `PAIRINGS.md` next to this file.
 *
 *   node --import tsx bench/reproduce/multimnist/pairings.ts [--root DIR] [--seeds 1,2,3,4,5]
 *
 * The campaign's own pairing is evaluated again first and must reproduce each run's
 * `result.json` test accuracy exactly (else the script stops: the weights are not the ones the
 * campaign tested).
 */
import { existsSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import * as pt from "../../../src/index.js";
import type { WeightMap } from "../../../src/model/spec.js";
import { type Method, TABLE3, methodOf } from "./plan.js";
import type { Campaign } from "./plan.js";
import { tasksOf } from "./recipe.js";
import { DEFAULT_ROOT, HERE, finishedRuns, readJson, runDir, writeJson } from "./store.js";

const args = process.argv.slice(2);
const flag = (k: string) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = resolve(flag("root") ?? DEFAULT_ROOT);
const extra = (flag("seeds") ?? "1,2,3,4,5").split(",").map(Number);
const campaign = readJson<Campaign>(join(root, "campaign.json"));
if (!campaign) throw new Error(`pairings.ts: ${root} has no campaign.json`);
const pairings = [campaign.dataSeed, ...extra.filter((s) => s !== campaign.dataSeed)];

const info = await pt.useBackend(undefined, { quiet: true });
const tests = new Map(
  pairings.map((seed) => {
    const t = pt.datasets.multiMnist({
      split: "test",
      seed,
      ...(campaign.testLimit ? { limit: campaign.testLimit } : {}),
    });
    return [seed, { left: t.left, right: t.right }] as const;
  }),
);

type Acc = Record<string, number>;
const runs: { id: string; method: Method; tasks: string[]; campaign: Acc; byPairing: Acc[] }[] = [];
for (const [id, r] of [...finishedRuns(root)].sort(([a], [b]) => a.localeCompare(b))) {
  if (r.spec.phase !== "final") continue;
  const ckpt = join(runDir(root, id), "ckpt");
  if (!existsSync(ckpt)) throw new Error(`pairings.ts: ${id} has no checkpoint at ${ckpt}`);
  const run = await pt.load(ckpt);
  const es = run.state.listeners.earlyStopping as { bestWeights?: WeightMap } | undefined;
  if (!es?.bestWeights) throw new Error(`pairings.ts: ${id}'s checkpoint has no best weights`);
  const model = run.model.withWeights(es.bestWeights);
  const tasks = tasksOf(r.spec.config);
  const byPairing: Acc[] = [];
  for (const seed of pairings) {
    const test = tests.get(seed) as Record<string, pt.Dataset>;
    const ev = await model.evaluate(
      Object.fromEntries(tasks.map((t) => [t, test[t]])) as never,
      { metrics: Object.fromEntries(tasks.map((t) => [t, ["accuracy"]])) } as never,
    );
    const per = ev.tasks as Record<string, Record<string, number>>;
    byPairing.push(Object.fromEntries(tasks.map((t) => [t, per[t].accuracy])));
  }
  for (const t of tasks)
    if (byPairing[0][t] !== r.test[t])
      throw new Error(
        `pairings.ts: ${id} ${t}: ${byPairing[0][t]} on the campaign's pairing, ${r.test[t]} in result.json`,
      );
  runs.push({ id, method: methodOf(r.spec.config).method, tasks, campaign: r.test, byPairing });
  console.log(
    `${id}: ${tasks.map((t) => `${t} ${byPairing.map((a) => (100 * a[t]).toFixed(2)).join(" ")}`).join("; ")}`,
  );
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
};
/** Per method and task: the seed-mean accuracy (%) on each pairing. */
const cells: Record<string, Record<string, { perPairing: number[]; n: number }>> = {};
for (const method of Object.keys(TABLE3) as Method[])
  for (const task of ["left", "right"]) {
    const rs = runs.filter((r) => r.method === method && r.tasks.includes(task));
    if (rs.length === 0) continue;
    cells[method] ??= {};
    cells[method][task] = {
      perPairing: pairings.map((_, i) => 100 * mean(rs.map((r) => r.byPairing[i][task]))),
      n: rs.length,
    };
  }

const f2 = (x: number) => x.toFixed(2);
const md = [
  "# Table 3 and the test set's pairing",
  "",
  `Written by \`node --import tsx bench/reproduce/multimnist/pairings.ts${root === resolve(DEFAULT_ROOT) ? "" : ` --root ${root}`}\` on ${new Date().toISOString()} (load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(
      ", ",
    )}; ${info.summary}). Each final run's selected weights, tested on MultiMNIST test sets composed with data seeds ${pairings.join(", ")} (seed ${campaign.dataSeed} is the campaign's own: its column is Table 3). Every pairing holds the same 10,000 test digits on the left; the right digits are drawn anew, so each test digit is a right digit 0, 1, 2, ... times. Accuracy % as the mean over the run seeds (n).`,
  "",
  `| method | task | n | paper | ${pairings.map((s) => `pairing ${s}`).join(" | ")} | mean over pairings | sd over pairings | paper - mean |`,
  `|---|---|---|---|${pairings.map(() => "---|").join("")}---|---|---|`,
];
for (const [method, byTask] of Object.entries(cells))
  for (const [task, c] of Object.entries(byTask)) {
    const paper = TABLE3[method as Method][task as "left" | "right"];
    md.push(
      `| ${TABLE3[method as Method].label} | ${task} | ${c.n} | ${f2(paper)} | ${c.perPairing.map(f2).join(" | ")} | ${f2(mean(c.perPairing))} | ${f2(sd(c.perPairing))} | ${f2(paper - mean(c.perPairing))} |`,
    );
  }
md.push("");
writeJson(join(HERE, "pairings.json"), {
  pairings,
  backend: info.summary,
  cells,
  runs,
});
writeFileSync(join(HERE, "PAIRINGS.md"), md.join("\n"));
console.log(md.join("\n"));
