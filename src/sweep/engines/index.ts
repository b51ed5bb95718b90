/** Sweep engines by name: `local` (a worker pool of processes here) and `ray` (Ray tasks). */
import { Registry } from "../../util/registry.js";
import { z } from "../../util/schema.js";
import { localEngine } from "./local.js";
import { rayEngine } from "./ray.js";
import type { SweepEngine } from "./types.js";

export const engines = new Registry<SweepEngine>("sweep engine");
engines.register({
  name: "local",
  schema: z.strictObject({}),
  create: () => localEngine,
  description: "a pool of `workers` polytask train processes on this machine",
});
engines.register({
  name: "ray",
  schema: z.strictObject({}),
  create: () => rayEngine,
  description:
    "Ray tasks (pip install ray), resources per trial, retries; --ray-address to join a cluster",
});

export type { EngineRun, SweepEngine, TrialOutcome } from "./types.js";
