"""Executes every notebooks/*.ipynb with nbclient on the polytask kernel (POLYTASK_QUICK=1),
failing on any cell error; checks execution counts; runs `jupyter nbconvert --execute` on the
smoke notebook and checks that no kernel process outlives it."""

import glob
import os
import subprocess
import sys
import time

import nbformat
import pytest
from nbclient import NotebookClient

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NOTEBOOKS = sorted(glob.glob(os.path.join(REPO, "notebooks", "*.ipynb")))
KERNEL = os.environ.get("KERNEL_NAME", "polytask")
CELL_TIMEOUT = int(os.environ.get("POLYTASK_CELL_TIMEOUT", "600"))


def kernel_pids():
    out = subprocess.run(["pgrep", "-f", "dist/kernel/main.js"], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


@pytest.fixture(autouse=True)
def quick_env(monkeypatch):
    monkeypatch.setenv("POLYTASK_QUICK", "1")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[os.path.basename(p) for p in NOTEBOOKS])
def test_notebook_executes(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL, resources={"metadata": {"path": os.path.dirname(path)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), counts
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"]
    # figures stay light: plotly.js (the minified partial bundle) rides once, and the whole
    # notebook after a quick run stays within 2 MB
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    loaders = [o for o in outputs if "polytask-plotly-loader" in str(o.get("data", {}).get("text/html", ""))]
    figures = [o for o in outputs if 'class="polytask-figure"' in str(o.get("data", {}).get("text/html", ""))]
    assert len(loaders) == (1 if figures else 0), (len(loaders), len(figures))
    size = len(nbformat.writes(nb).encode("utf-8"))
    print(f"{os.path.basename(path)}: {size} bytes after a quick run, {len(figures)} figures")
    assert size <= 2_000_000, size


def test_smoke_notebook_outputs():
    path = os.path.join(REPO, "notebooks", "00-kernel-smoke.ipynb")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL,
                   resources={"metadata": {"path": os.path.dirname(path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    bundle = code[1].outputs[0]
    assert bundle.output_type == "display_data"
    assert set(bundle.data) == {"text/plain", "text/html", "text/markdown"}
    assert bundle.metadata == {"text/html": {"isolated": False}}
    # nbclient applies update_display_data in place: the progress display shows the last step
    progress = [o for o in code[2].outputs if o.output_type == "display_data"]
    assert [o.data["text/plain"] for o in progress] == ["step 3"]
    assert code[3].outputs[-1].data["text/plain"] == "'completed'"


def test_nbconvert_execute_leaves_no_kernel(tmp_path):
    before = kernel_pids()
    src = os.path.join(REPO, "notebooks", "00-kernel-smoke.ipynb")
    jupyter = os.path.join(os.path.dirname(sys.executable), "jupyter")
    proc = subprocess.run(
        [jupyter, "nbconvert", "--to", "notebook", "--execute", f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}",
         f"--ExecutePreprocessor.kernel_name={KERNEL}", "--output-dir", str(tmp_path), src],
        capture_output=True, text=True, timeout=900, env={**os.environ, "POLYTASK_QUICK": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = nbformat.read(str(tmp_path / "00-kernel-smoke.ipynb"), as_version=4)
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3, 4, 5]
    deadline = time.time() + 10
    while kernel_pids() - before and time.time() < deadline:
        time.sleep(0.2)
    assert not (kernel_pids() - before), "a kernel process outlived nbconvert"
