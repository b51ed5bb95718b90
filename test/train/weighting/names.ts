/** The strategy names the weighting tests iterate over. */
export const LOSS_NAMES = ["ew", "uncertainty", "dwa", "rlw", "famo", "stch", "gls"] as const;

/** Gram-based gradient methods that take `mode: "representation"`. */
export const MODE_NAMES = [
  "gradnorm",
  "pcgrad",
  "mgda",
  "cagrad",
  "imtl",
  "nash",
  "aligned",
  "upgrad",
  "gradvac",
  "fairgrad",
] as const;

/** Every method whose instance has `combineGradients` (shared gradients). */
export const GRADIENT_NAMES = [
  ...MODE_NAMES,
  "moco",
  "dbmtl",
  "excessmtl",
  "modo",
  "sdmgrad",
] as const;

/** Every registered name. */
export const ALL_NAMES = [...LOSS_NAMES, "static", ...GRADIENT_NAMES, "graddrop"] as const;
