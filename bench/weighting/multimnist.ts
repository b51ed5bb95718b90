import { model } from "../../src/api/model.js";
/**
 * MultiMNIST (Sener & Koltun 2018; left and right digit) with a LeNet backbone, trained with a
 * weighting strategy for a few epochs on `wasm`: per-task test accuracy and wall time.
 * Usage: node --import tsx bench/weighting/multimnist.ts <strategy> <seed> [--train N] [--test N]
 *   [--epochs E] [--mode representation]. Prints one JSON line.
 */
import { useBackend } from "../../src/backend/select.js";
import { uniform } from "../../src/data/samplers/uniform.js";
import { multiMnist } from "../../src/data/sources/multi-mnist.js";
import { convNet } from "../../src/model/backbones/convNet.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { weighting } from "../../src/train/weighting/index.js";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) =>
  argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt;
const [name, seedArg] = argv;
const seed = Number(seedArg ?? 0);
const mode = argv.includes("--mode") ? argv[argv.indexOf("--mode") + 1] : undefined;
const gradientBased = ["gradnorm", "pcgrad", "mgda", "cagrad", "imtl", "nash", "aligned"].includes(
  name,
);
const strategy =
  name === "static"
    ? weighting.static({ weights: { left: 1, right: 1 } })
    : weighting.create(name, gradientBased && mode ? { mode } : {});

await useBackend("wasm");
const train = multiMnist({ split: "train", limit: opt("--train", 2000), seed });
const test = multiMnist({ split: "test", limit: opt("--test", 1000), seed });
const lenet = model({ input: [28, 28, 1] })
  .backbone(convNet({ filters: [10, 20], kernelSize: 5, dense: 50 }))
  .head("left", classifier(10))
  .head("right", classifier(10));
const t0 = performance.now();
const run = await lenet.fit(
  { left: train.left, right: train.right },
  {
    epochs: opt("--epochs", 2),
    batchSize: 64,
    lr: 1e-3,
    seed,
    weighting: strategy,
    sampler: uniform({ mode: "all" }),
    handleSigint: false,
  },
);
const wall = (performance.now() - t0) / 1000;
const ev = await run.evaluate({ left: test.left, right: test.right });
const tasks = ev.tasks as Record<string, Record<string, number>>;
console.log(
  JSON.stringify({
    strategy: strategy.name,
    mode: strategy.needs,
    seed,
    left: tasks.left.accuracy,
    right: tasks.right.accuracy,
    wall,
  }),
);
