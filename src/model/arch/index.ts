/** `pt.arch.*`: multi-task architectures for `.architecture(...)`. */
import { crossStitch } from "./crossStitch.js";
import { hardSharing } from "./hardSharing.js";
import { mmoe } from "./mmoe.js";
import { ple } from "./ple.js";

export const arch = Object.freeze({ hardSharing, mmoe, crossStitch, ple });
export type { MmoeArgs, MmoeConfig } from "./mmoe.js";
export type { CrossStitchArgs, CrossStitchConfig } from "./crossStitch.js";
export type { PleArgs, PleConfig } from "./ple.js";
