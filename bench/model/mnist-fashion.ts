/**
 * The issue-5 real run: MNIST + Fashion-MNIST, two classifier heads on a shared convNet,
 * EW vs uncertainty weighting, on the wasm backend. Writes bench/model/mnist-fashion.json with
 * per-task test accuracy and wall time.
 *
 *   node --import tsx bench/model/mnist-fashion.ts [--limit 20000] [--epochs 3] [--backend wasm]
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import * as pt from "../../src/index.js";

const { values } = parseArgs({
  options: {
    limit: { type: "string", default: "20000" },
    testLimit: { type: "string", default: "10000" },
    epochs: { type: "string", default: "3" },
    backend: { type: "string", default: "wasm" },
    methods: { type: "string", default: "ew,uncertainty" },
  },
});
const limit = Number(values.limit);
const epochs = Number(values.epochs);
const info = await pt.useBackend(values.backend as pt.BackendName, { quiet: true });
console.log(info.summary);

const digits = pt.datasets.mnist({ split: "train", limit, seed: 1 });
const fashion = pt.datasets.fashionMnist({ split: "train", limit, seed: 1 });
const digitsTest = pt.datasets.mnist({ split: "test", limit: Number(values.testLimit) });
const fashionTest = pt.datasets.fashionMnist({ split: "test", limit: Number(values.testLimit) });

const model = pt
  .model({ input: [28, 28, 1] })
  .backbone(pt.backbones.convNet({ filters: [32, 64], dense: 128, dropout: 0.25 }))
  .head("digits", pt.heads.classifier(10))
  .head("fashion", pt.heads.classifier(10));

const results: Record<string, unknown>[] = [];
for (const method of String(values.methods).split(",")) {
  const t0 = performance.now();
  let last = t0;
  const run = await model.fit(
    { digits, fashion },
    {
      epochs,
      batchSize: 64,
      seed: 7,
      weighting: method,
      lr: 1e-3,
      listeners: [
        {
          onStep: (e) => {
            if (e.step % 100 === 0) {
              const now = performance.now();
              console.log(
                `${method} step ${e.step}/${e.stepsPerEpoch * epochs} ${((now - last) / 100).toFixed(1)} ms/step`,
                e.losses,
              );
              last = now;
            }
          },
          onEpochEnd: (l) => console.log(method, JSON.stringify(l)),
        },
      ],
    },
  );
  const trainSeconds = (performance.now() - t0) / 1000;
  const test = await run.evaluate({ digits: digitsTest, fashion: fashionTest });
  const row = {
    method,
    backend: info.summary,
    trainSamplesPerTask: limit,
    epochs,
    steps: run.state.step,
    trainSeconds: Math.round(trainSeconds * 10) / 10,
    digitsAccuracy: test.tasks.digits?.accuracy,
    fashionAccuracy: test.tasks.fashion?.accuracy,
    meanAccuracy: test.mean.accuracy,
    finalWeights: {
      digits: run.history.at(-1)?.["weight/digits"],
      fashion: run.history.at(-1)?.["weight/fashion"],
    },
  };
  console.log(row);
  results.push(row);
}
await writeFile(
  "bench/model/mnist-fashion.json",
  `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`,
);
