"""Writes notebooks/00-kernel-smoke.ipynb (run once by hand; the file is committed)."""

import os

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# Kernel smoke test\n\nThe `polytask` kernel in a few cells: import the library, show a rich MIME "
        "bundle, update a display in place with top-level `await`, and train a tiny model."
    ),
    new_code_cell(
        'import * as pt from "polytask";\n'
        'const quick = process.env.POLYTASK_QUICK === "1";\n'
        "const samples = quick ? 128 : 1024;\n"
        "typeof pt.model"
    ),
    new_code_cell(
        "// The display host the kernel installs (src/notebook/host.ts)\n"
        'const host = (globalThis as any)[Symbol.for("polytask.displayHost")];\n'
        "host.display(\n"
        '  { "text/plain": "a bundle", "text/html": "<b>a bundle</b>", "text/markdown": "**a bundle**" },\n'
        '  { metadata: { "text/html": { isolated: false } } },\n'
        ");"
    ),
    new_code_cell(
        'host.display({ "text/plain": "step 0" }, { displayId: "progress" });\n'
        "for (let step = 1; step <= 3; step++) {\n"
        "  await new Promise((resolve) => setTimeout(resolve, 20));\n"
        '  host.display({ "text/plain": `step ${step}` }, { displayId: "progress", update: true });\n'
        "}\n"
        '"done"'
    ),
    new_code_cell(
        'await pt.useBackend("cpu");\n'
        "const dim = 8;\n"
        "const x = Float32Array.from({ length: samples * dim }, (_, i) => Math.sin(i * 12.9898) * 0.5);\n"
        "const y = Int32Array.from({ length: samples }, (_, i) => (x[i * dim] > 0 ? 1 : 0));\n"
        'const data = pt.datasets.fromArrays({ x, y, inputShape: [dim], numClasses: 2, name: "sign" });\n'
        "const net = pt.model({ input: [dim] })\n"
        "  .backbone(pt.backbones.mlp({ units: [16] }))\n"
        '  .head("sign", pt.heads.classifier(2));\n'
        "const run = await net.fit({ sign: data }, { epochs: 2, batchSize: 32, seed: 1 });\n"
        "run.reason"
    ),
    new_code_cell('import * as tslab from "tslab";\ntslab.display.html(`<i>${run.history.length} epochs</i>`);'),
]


def main() -> None:
    nb = new_notebook(cells=CELLS)
    nb.metadata["kernelspec"] = {"name": "polytask", "display_name": "TypeScript (polytask)", "language": "typescript"}
    nb.metadata["language_info"] = {"name": "typescript", "file_extension": ".ts"}
    out = os.path.join(os.path.dirname(__file__), "..", "..", "notebooks", "00-kernel-smoke.ipynb")
    nbformat.write(nb, out)


if __name__ == "__main__":
    main()
