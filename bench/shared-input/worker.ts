/**
 * One polytask measurement in its own process, through the public API (`model.fit`):
 *   worker.ts <backend> <k> <batch> <warmup> <steps> <weighting> [mode] [group]
 * trains the K-task LeNet on K label sets of one MultiMNIST input with SGD, and prints one JSON
 * line with the wall time of every step (between consecutive step events: loader, forward,
 * backward, update and the step's one read), the backend summary and the loss of the last step.
 * `group` 0 trains the tasks apart (fit's `group: false`), for the before/after comparison.
 */
import * as pt from "../../src/index.js";
import { SEED, lenet, sharedGroup } from "./common.js";

const [backend, kArg, batchArg, warmupArg, stepsArg, weighting, mode, groupArg] =
  process.argv.slice(2);
const [k, batch, warmup, steps] = [kArg, batchArg, warmupArg, stepsArg].map(Number);
const info = await pt.useBackend(backend as pt.BackendName, { quiet: true });
const group = groupArg !== "0";
const n = batch * (warmup + steps);
const data = sharedGroup(n, k);
const times: number[] = [];
let last = 0;
let lastLoss = Number.NaN;
const strategy =
  mode && mode !== "-" ? pt.weighting.create(weighting, { mode }) : pt.weighting.create(weighting);
const run = await lenet(k).fit(data as never, {
  epochs: 1,
  batchSize: batch,
  seed: SEED,
  optimizer: "sgd",
  lr: 0.01,
  weighting: strategy,
  group,
  // every unit in every step, as with one group
  sampler: pt.samplers.proportional({ mode: "all" }),
  listeners: [
    {
      onTrainBegin: () => {
        last = performance.now();
      },
      onStep: (e) => {
        const now = performance.now();
        times.push(now - last);
        last = now;
        lastLoss = Object.values(e.losses).reduce((a, b) => a + b, 0);
      },
    },
  ],
});
console.log(
  JSON.stringify({
    backend,
    summary: info.summary,
    threads: info.threads,
    k,
    batch,
    weighting,
    mode: mode ?? "-",
    group,
    times: times.slice(warmup),
    loss: lastLoss,
    reason: run.reason,
  }),
);
