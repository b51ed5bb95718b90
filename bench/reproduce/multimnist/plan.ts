/**
 * The campaign plan of the MultiMNIST reproduction (Sener & Koltun 2018, Table 3; protocol of
 * their supplement C.1): which runs exist, in which order, and what each one trains. Pure data:
 * no tensors, no files. The scheduler asks `planRuns` for the runs whose inputs are known (a
 * final run's learning rate is known once its configuration's learning-rate search is done).
 */

/** Table 3's rows. `single-left` / `single-right` are the single-task row's two runs. */
export const CONFIGS = [
  "single-left",
  "single-right",
  "uniform",
  "uncertainty",
  "gradnorm",
  "mgda",
] as const;
export type ConfigName = (typeof CONFIGS)[number];

/** The paper's learning-rate grid (supplement C.1). */
export const LR_GRID = [1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 5e-2] as const;

/**
 * Training recipes. `paper`: supplement C.1 (LeNet, FC 320x50 shared, one linear layer per
 * head, no dropout, lr halved every 30 epochs). The ablations change one part of it each:
 * `released`, the settings of the authors' released code (lr x0.85 every 10 epochs, dropout
 * 0.5, heads FC 50->50->10); `normalized`, the released code's input normalisation
 * ((x - 0.1307) / 0.3081); `test-selected`, the released code's data use (all 60,000 pairs
 * trained on, the epoch picked by test accuracy, so the reported figure is the best test
 * accuracy over epochs); `mgda-released` (MGDA-UB only), MGDA-UB's weights as the released code
 * computes them (gradients normalised by loss times norm, `loss+`, and the weights found on them
 * applied to the raw losses).
 */
export const VARIANTS = [
  "paper",
  "released",
  "normalized",
  "test-selected",
  "mgda-released",
] as const;
export type Variant = (typeof VARIANTS)[number];

/** What each ablation variant changes (the report's section headings). */
export const VARIANT_NOTES: Record<Exclude<Variant, "paper">, string> = {
  released:
    "the released code's settings: lr x0.85 every 10 epochs, dropout 0.5 (convNet dropout: after the conv stack and after the FC 50), heads FC 50->50->10 (`classifier(10, { hidden: [50] })`)",
  normalized:
    "the paper's recipe on inputs normalised as the released code does, (x - 0.1307) / 0.3081 (`transforms.normalize`)",
  "test-selected":
    "the paper's recipe with the released code's data use: trained on all 60,000 pairs, no validation split, the epoch picked by test accuracy (an optimistic figure: the best test accuracy over epochs)",
  "mgda-released":
    'MGDA-UB\'s weights as the released code computes them: the gradients of the shared representation normalised by loss times norm (`loss+`, as the released code\'s sample configuration sets it) and the min-norm weights found on them applied to the raw losses (`mgda({ mode: "representation", normalization: "loss+", weightsOn: "raw" })`); MGDA-UB only',
};

/** The configurations a variant applies to (all when absent). */
export const VARIANT_CONFIGS: Partial<Record<Variant, readonly ConfigName[]>> = {
  "mgda-released": ["mgda"],
};

/** Sener & Koltun 2018, Table 3 (MultiMNIST), test accuracy in percent. */
export const TABLE3: Record<
  "single" | "uniform" | "uncertainty" | "gradnorm" | "mgda",
  { left: number; right: number; label: string }
> = {
  single: { left: 97.23, right: 95.9, label: "Single task" },
  uniform: { left: 96.46, right: 94.99, label: "Uniform scaling" },
  uncertainty: { left: 96.47, right: 95.29, label: "Kendall et al. 2018" },
  gradnorm: { left: 96.27, right: 94.84, label: "GradNorm" },
  mgda: { left: 97.26, right: 95.9, label: "MGDA-UB (ours)" },
};
export type Method = keyof typeof TABLE3;

/** The settings of one campaign, fixed when it is created (campaign.json in its root). */
export interface Campaign {
  /** Epochs of every learning-rate search run (one seed per configuration and rate). */
  searchEpochs: number;
  /** Epochs of every final run. */
  finalEpochs: number;
  /** Seeds of the final runs (the search runs use the first). */
  seeds: number[];
  lrGrid: number[];
  batchSize: number;
  /** Fraction of the training images held out for validation (model selection). */
  validationFraction: number;
  /** Seed of the validation split and of MultiMNIST's pairing (fixed across runs). */
  dataSeed: number;
  /** Limit of training images (before the split) and of test images; undefined: all. */
  trainLimit?: number;
  testLimit?: number;
  /** Configurations to run (all of CONFIGS by default). */
  configs: ConfigName[];
  /** Ablation variants run after the final runs, at each configuration's chosen rate. */
  ablations: Variant[];
  /** Seeds of the ablation runs. */
  ablationSeeds: number[];
  /** Jobs at once and TensorFlow intra-op threads per job. */
  parallel: number;
  threadsPerJob: number;
  /** Backend name for useBackend (undefined: the best available, native tensorflow here). */
  backend?: string;
  /** The command line that created the campaign (for the report). */
  createdBy?: string;
}

export const DEFAULT_CAMPAIGN: Campaign = {
  searchEpochs: 20,
  finalEpochs: 100,
  seeds: [0, 1, 2],
  lrGrid: [...LR_GRID],
  batchSize: 256,
  validationFraction: 0.1,
  dataSeed: 0,
  configs: [...CONFIGS],
  ablations: ["released"],
  ablationSeeds: [0, 1, 2],
  parallel: 1,
  threadsPerJob: 2,
};

export type Phase = "search" | "final" | "ablation";

/** One run of the campaign. `id` is also its folder under the campaign root. */
export interface RunSpec {
  id: string;
  phase: Phase;
  config: ConfigName;
  variant: Variant;
  lr: number;
  seed: number;
  epochs: number;
  /**
   * A finished run whose checkpoint this run continues (a final seed-0 run continues the
   * search run at the chosen rate: the step schedule depends on the epoch only, so its first
   * `searchEpochs` epochs are that run's).
   */
  continues?: string;
}

/** `5e-3` -> "5e-3": the rate as it appears in ids and tables. */
export function lrTag(lr: number): string {
  const [m, e] = lr.toExponential().split("e");
  return `${Number(m)}e${Number(e)}`;
}

export function searchId(config: ConfigName, lr: number): string {
  return `search/${config}/lr${lrTag(lr)}`;
}

export function finalId(config: ConfigName, seed: number): string {
  return `final/${config}/seed${seed}`;
}

export function ablationId(variant: Variant, config: ConfigName, seed: number): string {
  return `ablation/${variant}/${config}/seed${seed}`;
}

/** What the plan needs to know about finished runs: best validation accuracy by run id. */
export type Finished = ReadonlyMap<string, { bestVal: number; reason: string }>;

/**
 * The configuration's chosen rate: the grid rate whose search run reached the best validation
 * accuracy (ties: the smaller rate). Undefined until every search run of it has finished.
 */
export function chosenLr(c: Campaign, config: ConfigName, done: Finished): number | undefined {
  let best: { lr: number; val: number } | undefined;
  for (const lr of c.lrGrid) {
    const r = done.get(searchId(config, lr));
    if (!r) return undefined;
    const val = Number.isFinite(r.bestVal) ? r.bestVal : Number.NEGATIVE_INFINITY;
    if (!best || val > best.val) best = { lr, val };
  }
  return best?.lr;
}

/**
 * Every run whose settings are known now, in the order they should run: all search runs,
 * then the final runs of configurations whose rate is chosen, then the ablations. `complete`
 * is true when nothing is waiting for a search to finish.
 */
export function planRuns(c: Campaign, done: Finished): { runs: RunSpec[]; complete: boolean } {
  const runs: RunSpec[] = [];
  let complete = true;
  const seed0 = c.seeds[0];
  for (const config of c.configs)
    for (const lr of c.lrGrid)
      runs.push({
        id: searchId(config, lr),
        phase: "search",
        config,
        variant: "paper",
        lr,
        seed: seed0,
        epochs: c.searchEpochs,
      });
  const later: RunSpec[] = [];
  for (const config of c.configs) {
    const lr = chosenLr(c, config, done);
    if (lr === undefined) {
      complete = false;
      continue;
    }
    for (const seed of c.seeds) {
      const continues =
        seed === seed0 && c.finalEpochs >= c.searchEpochs ? searchId(config, lr) : undefined;
      runs.push({
        id: finalId(config, seed),
        phase: "final",
        config,
        variant: "paper",
        lr,
        seed,
        epochs: c.finalEpochs,
        ...(continues ? { continues } : {}),
      });
    }
    for (const variant of c.ablations.filter((v) => VARIANT_CONFIGS[v]?.includes(config) ?? true))
      for (const seed of c.ablationSeeds)
        later.push({
          id: ablationId(variant, config, seed),
          phase: "ablation",
          config,
          variant,
          lr,
          seed,
          epochs: c.finalEpochs,
        });
  }
  return { runs: [...runs, ...later], complete };
}

/** Table 3's row of a configuration, and the task whose cell a single-task run fills. */
export function methodOf(config: ConfigName): { method: Method; task?: "left" | "right" } {
  if (config === "single-left") return { method: "single", task: "left" };
  if (config === "single-right") return { method: "single", task: "right" };
  return { method: config };
}
