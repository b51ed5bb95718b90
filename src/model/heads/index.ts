/** `pt.heads.*`. */
export { classifier } from "./classifier.js";
export { multiLabel } from "./multiLabel.js";
export { regression } from "./regression.js";
export type { Head, HeadArgs } from "./types.js";
