"""03-transfer.ipynb."""

from .common import SETUP, code, md

NAME = "03-transfer.ipynb"

CELLS = [
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
]
