/**
 * Writes `results.json` and `REPORT.md` from a campaign's finished runs (partial while the
 * campaign runs: `n` is the seeds finished per cell).
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { type Cell, type Row, searchTable, table, withinGoal } from "./aggregate.js";
import { type Method, TABLE3, VARIANT_NOTES, type Variant, lrTag } from "./plan.js";
import { fullPlan, progress } from "./progress.js";
import { GRADNORM_OPTIONS, scheduleOf } from "./recipe.js";
import { DEFAULT_ROOT, HERE, historyOf, readEvents, readJson, writeJson } from "./store.js";

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");
const show = (c: Cell) =>
  c.n === 0 ? "-" : `${f2(c.mean)}${c.n > 1 ? ` +- ${f2(c.sd)}` : ""} (n=${c.n})`;
const diff = (c: Cell, paper: number) => {
  if (c.n === 0) return "-";
  const d = c.mean - paper;
  const ok = withinGoal(c, paper);
  return `${d >= 0 ? "+" : ""}${f2(d)}${ok === undefined ? "" : ok ? "" : " (outside)"}`;
};

/** Throughput of 1 job x 2 threads vs 2 jobs x 1 thread, when measure.ts has written it. */
interface Throughput {
  date: string;
  load: number[];
  loadEnd?: number[];
  epochs: number;
  rounds?: number;
  modes: {
    mode: string;
    jobs: number;
    threads: number;
    secondsPerEpoch: number;
    cpuSecondsPerEpoch?: number;
    epochsPerHour: number;
    epochsPerCpuHour?: number;
    coresUsed?: number;
  }[];
  best?: string;
  configEpochs?: number;
  perConfig?: Record<string, number>;
  perConfigCpu?: Record<string, number>;
  perConfigMode?: string;
  rawRounds?: {
    round: number;
    mode: string;
    load: number;
    jobs: { wallTotal: number; epochs: number }[];
  }[];
}

/** Epochs per hour of each alternating round (the spread shows the machine's noise). */
function roundRates(t: Throughput): string {
  return (t.rawRounds ?? [])
    .map((r) => {
      const span = Math.max(...r.jobs.map((j) => j.wallTotal));
      const n = r.jobs.reduce((a, j) => a + j.epochs, 0);
      return `round ${r.round} ${r.mode} ${((n * 3600) / span).toFixed(0)}/h (load ${r.load.toFixed(1)})`;
    })
    .join(", ");
}

function tableMd(rows: Record<Method, Row>): string[] {
  const out = [
    "| method | left: paper | left: ours | left: diff | right: paper | right: ours | right: diff |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const m of Object.keys(TABLE3) as Method[]) {
    const p = TABLE3[m];
    const r = rows[m];
    out.push(
      `| ${p.label} | ${f2(p.left)} | ${show(r.left)} | ${diff(r.left, p.left)} | ${f2(p.right)} | ${show(r.right)} | ${diff(r.right, p.right)} |`,
    );
  }
  return out;
}

export function writeReport(root: string, outDir: string = HERE): { json: string; md: string } {
  const p = progress(root);
  const c = p.campaign;
  const results = p.results;
  const paper = table(c, results, "paper");
  const search = searchTable(c, results);
  const ablations = Object.fromEntries(c.ablations.map((v) => [v, table(c, results, v)]));
  const plan = fullPlan(c);
  const count = (phase: string) => {
    const runs = plan.filter((r) => r.phase === phase);
    return { finished: runs.filter((r) => results.has(r.id)).length, runs: runs.length };
  };
  const status = { search: count("search"), final: count("final"), ablation: count("ablation") };
  const backends = [...new Set([...results.values()].map((r) => r.backend))];
  const events = readEvents(root);
  let trainSeconds = 0;
  for (const r of plan) {
    const h = historyOf(root, r.id);
    const own = r.continues
      ? (h?.epochs ?? []).filter((e) => e.epoch >= c.searchEpochs)
      : (h?.epochs ?? []);
    trainSeconds += own.reduce((a, e) => a + e.seconds, 0);
  }
  const throughput = readJson<Throughput>(join(outDir, "throughput.json"));
  const machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    node: process.version,
    backend: backends,
    loadAverageAtReport: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  const json = {
    protocol: {
      source: "Sener & Koltun 2018 (NeurIPS), Table 3 and supplement C.1",
      epochs: c.finalEpochs,
      lr: Object.fromEntries(Object.entries(p.chosen)),
      lrGrid: c.lrGrid,
      searchEpochs: c.searchEpochs,
      searchSeed: c.seeds[0],
      batch: c.batchSize,
      optimizer: "sgd, momentum 0.9",
      schedule: scheduleOf("paper"),
      seeds: c.seeds,
      model:
        "convNet({ filters: [10, 20], kernelSize: 5, padding: 'valid', dense: 50 }) shared, heads.classifier(10) per digit",
      data: `datasets.multiMnist (seed ${c.dataSeed}): ${c.trainLimit ?? 60000} training images, ${c.validationFraction * 100}% held out for validation (fixed split, seed ${c.dataSeed}), ${c.testLimit ?? 10000} test images`,
      selection:
        "weights of the epoch with the best mean validation accuracy (early stopping that never stops, restoreBest)",
      weighting: {
        uniform: "ew",
        uncertainty: "uncertainty()",
        gradnorm: `gradnorm(${JSON.stringify(GRADNORM_OPTIONS)})`,
        mgda: 'mgda({ mode: "representation" })',
      },
    },
    methods: paper,
    paper: TABLE3,
    search: Object.fromEntries(
      search.map((s) => [
        s.config,
        {
          chosen: s.chosen ?? null,
          bestValAccuracy: Object.fromEntries(s.byLr.map((b) => [lrTag(b.lr), b.val ?? null])),
        },
      ]),
    ),
    ablations,
    campaign: c,
    status,
    machine,
    timings: {
      secondsPerEpoch: p.secondsPerEpoch,
      trainHoursSoFar: Math.round((trainSeconds / 3600) * 100) / 100,
      hoursLeftEstimate: Math.round(p.hoursLeft * 10) / 10,
      campaignStarted: events.find((e) => e.kind === "scheduler-start")?.at ?? null,
      throughput: throughput ?? null,
    },
    generatedAt: new Date().toISOString(),
  };
  const jsonPath = join(outDir, "results.json");
  writeJson(jsonPath, json);

  const md: string[] = [];
  const partial = status.final.finished < status.final.runs;
  md.push("# Reproducing Sener & Koltun 2018, Table 3 (MultiMNIST)", "");
  md.push(
    `Written by \`node --import tsx bench/reproduce/multimnist/run.ts report\` on ${json.generatedAt}.` +
      (partial
        ? ` **Partial:** ${status.search.finished}/${status.search.runs} search runs, ${status.final.finished}/${status.final.runs} final runs and ${status.ablation.finished}/${status.ablation.runs} ablation runs have finished; \`n\` in a cell is the seeds finished.`
        : ""),
    "",
  );
  md.push("## Table 3: test accuracy %, ours (mean +- sd over seeds) next to the paper", "");
  md.push(...tableMd(paper), "");
  md.push(
    "Goal: every cell within max(1.0, 2 sd) points of the paper; a cell marked (outside) misses it. " +
      `Accuracy is that of the weights of the epoch with the best mean validation accuracy, on the ${c.testLimit ?? 10000} test pairs.`,
    "",
  );
  md.push("## Protocol", "");
  md.push(
    `- Data: ${json.protocol.data}. The validation split is the same for every configuration and seed; the test set is used once per run, on the selected weights.`,
    `- Model: ${json.protocol.model} (LeNet of supplement C.1: conv 5x5 10 -> max-pool -> conv 5x5 20 -> max-pool -> FC 320x50).`,
    `- Training: ${c.finalEpochs} epochs, batch ${c.batchSize}, SGD with momentum 0.9, lr halved every 30 epochs (\`schedule: { type: "step", every: 30, gamma: 0.5 }\`); seeds ${c.seeds.join(", ")}.`,
    `- Learning rate: searched over {${c.lrGrid.map(lrTag).join(", ")}} per configuration on seed ${c.seeds[0]} for ${c.searchEpochs} epochs, picked by best mean validation accuracy. Seed ${c.seeds[0]}'s final run continues its search run at the chosen rate (the step schedule depends only on the epoch, so the first ${c.searchEpochs} epochs are the same).`,
    "- Single task: one run per digit with one head (`left` or `right`), EW.",
    `- GradNorm: \`${json.protocol.weighting.gradnorm}\`. Sener & Koltun do not state GradNorm's alpha, and their released code has no GradNorm; alpha = 1.5 is Chen et al.'s NYUv2 value (polytask's default); gradients of all shared parameters (which contain GradNorm's 'last shared layer').`,
    `- MGDA-UB: \`${json.protocol.weighting.mgda}\` (min-norm weights of the gradients of the shared representation); the left/right task group gives one backbone pass per step; no gradient normalisation, as in the paper (the released code's \`loss+\` normalisation is optional there and left out of the paper).`,
    "- Uncertainty: `uncertainty()` (Kendall et al.; learnable log-variances from 0).",
    "",
  );
  md.push("## Learning-rate search (best mean validation accuracy %, its epoch)", "");
  md.push(`| configuration | ${c.lrGrid.map(lrTag).join(" | ")} | chosen |`);
  md.push(`|---|${c.lrGrid.map(() => "---").join("|")}|---|`);
  for (const s of search)
    md.push(
      `| ${s.config} | ${s.byLr
        .map((b) =>
          b.val === undefined
            ? "-"
            : `${b.lr === s.chosen ? "**" : ""}${f2(b.val)} (${b.epoch})${b.lr === s.chosen ? "**" : ""}${b.reason === "nanLoss" ? " diverged" : ""}`,
        )
        .join(" | ")} | ${s.chosen === undefined ? "-" : lrTag(s.chosen)} |`,
    );
  md.push("");
  for (const [v, rows] of Object.entries(ablations)) {
    md.push(`## Ablation: \`${v}\``, "");
    md.push(
      `${VARIANT_NOTES[v as Exclude<Variant, "paper">]}; each configuration at its chosen rate, seeds ` +
        `${c.ablationSeeds.join(", ")}, ${c.finalEpochs} epochs; otherwise as the final runs.`,
      "",
    );
    md.push(...tableMd(rows as Record<Method, Row>), "");
  }
  md.push("## Commands", "");
  const at = resolve(root) === DEFAULT_ROOT ? "" : ` --root ${root}`;
  md.push(
    "```sh",
    "# start, or continue after a session ended (skips finished runs, resumes unfinished ones)",
    `node --import tsx bench/reproduce/multimnist/run.ts start${at}`,
    `node --import tsx bench/reproduce/multimnist/run.ts status${at}   # progress`,
    `node --import tsx bench/reproduce/multimnist/run.ts report${at}   # this file and results.json`,
    `node --import tsx bench/reproduce/multimnist/run.ts stop${at}     # jobs checkpoint and exit`,
    "```",
    "",
    `The campaign was created by \`${c.createdBy ?? "?"}\`; its settings (campaign.json; \`start\` with no flags keeps them): \`${JSON.stringify({ ...c, createdBy: undefined })}\`.`,
    "",
  );
  md.push("## Machine and timings", "");
  md.push(
    `- ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; backend ${backends.join("; ") || "(no run finished yet)"}; jobs run at nice 19 beside other work; load average at this report ${machine.loadAverageAtReport.join(", ")}.`,
    `- Seconds per epoch (median of recent epochs): ${
      Object.entries(p.secondsPerEpoch)
        .map(([k, s]) => `${k} ${(s as number).toFixed(1)}`)
        .join(", ") || "not measured yet"
    }.`,
    `- Training time so far ${json.timings.trainHoursSoFar} h; ${p.doneEpochs}/${p.totalEpochs} epochs done; about ${json.timings.hoursLeftEstimate} h left at the measured speed (${c.parallel} job(s) x ${c.threadsPerJob} thread(s)).`,
  );
  if (throughput) {
    md.push(
      `- Parallelism (bench/reproduce/multimnist/measure.ts, ${throughput.date}, nice 19, load average ${throughput.load.join(", ")} at its start and ${throughput.loadEnd?.join(", ") ?? "?"} at its end; ${throughput.rounds ?? 1} alternating round(s) of ${throughput.epochs} uniform epochs per job on the full data): ${throughput.modes
        .map(
          (m) =>
            `${m.jobs} job(s) x ${m.threads} thread(s): ${m.secondsPerEpoch.toFixed(1)} s wall and ${m.cpuSecondsPerEpoch?.toFixed(1) ?? "?"} CPU s per epoch per job (all rounds: ${m.epochsPerHour.toFixed(0)} epochs/h, ${m.epochsPerCpuHour?.toFixed(0) ?? "?"} epochs per CPU hour, ${m.coresUsed?.toFixed(2) ?? "?"} cores used)`,
        )
        .join(
          "; ",
        )}. Faster over all rounds: ${throughput.best ?? "?"} (every job-epoch over the time the batches took); per round: ${roundRates(throughput)}.`,
    );
    if (throughput.perConfig)
      md.push(
        `- Seconds per epoch by configuration (${throughput.perConfigMode}, ${throughput.configEpochs ?? "?"} epochs each): ${Object.entries(
          throughput.perConfig,
        )
          .map(
            ([k, s]) =>
              `${k} ${s.toFixed(1)} s wall${throughput.perConfigCpu?.[k] !== undefined ? ` / ${throughput.perConfigCpu[k].toFixed(1)} s CPU` : ""}`,
          )
          .join(", ")}.`,
      );
  }
  md.push("");
  const mdPath = join(outDir, "REPORT.md");
  writeFileSync(mdPath, `${md.join("\n")}\n`);
  return { json: jsonPath, md: mdPath };
}
