"""02-weighting-multimnist.ipynb."""

from .common import SETUP, code, md

NAME = "02-weighting-multimnist.ipynb"

CELLS = [
    md("""
# Task relatedness: weighting strategies on MultiMNIST

MultiMNIST (Sener & Koltun 2018) overlays two digits; one task reads the left digit, the
other the right one. The tasks share pixels and compete for the backbone, which is where
loss weighting and gradient balancing matter. This notebook trains the same model with
several strategies and compares them per task and on a Pareto view.

Both tasks label the same images, so `datasets.multiMnist` returns `left` and `right` as one
**task group**: `fit({ ...train })` trains them together with one backbone pass per batch,
and every step holds both tasks (what gradient-based strategies such as PCGrad and MGDA need),
whatever the sampler.
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
// `left` and `right` share one input array: members of one task group
({ train: train.left.size, test: test.left.size, group: train.left.group?.members, registered: pt.weightingNames() })
"""),
    code("""
const net = pt.model({ input: [28, 28, 1] })
  .backbone(pt.backbones.convNet({ filters: [10, 20], kernelSize: 5, dense: 50 }))
  .head("left", pt.heads.classifier(10))
  .head("right", pt.heads.classifier(10));

const runs: Record<string, pt.Run<"left" | "right">> = {};
for (const strategy of STRATEGIES) {
  // one task group: each step is one batch of images carrying both labels
  runs[strategy] = await net.fit({ ...train }, {
    epochs: EPOCHS,
    batchSize: 128,
    seed: 1,
    weighting: strategy,
    validationData: { ...test },
  });
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
]
