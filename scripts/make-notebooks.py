"""Writes the tutorial notebooks in notebooks/ from scripts/notebooks/nb*.py (one module per
notebook: NAME and CELLS). Run by hand after editing; the .ipynb files are committed. Every
tutorial reads POLYTASK_QUICK: `npm test` executes them with small sizes, real sizes are for
people (and for the full-size runs their "what we found" cells report).
Usage: .venv/bin/python scripts/make-notebooks.py [name-prefix ...]"""

import importlib
import json
import os
import pkgutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "notebooks")
sys.dont_write_bytecode = True  # no __pycache__ in scripts/notebooks
sys.path.insert(0, HERE)

import notebooks  # noqa: E402  (scripts/notebooks, the sources)


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


def main(prefixes):
    for info in sorted(pkgutil.iter_modules(notebooks.__path__), key=lambda m: m.name):
        if not info.name.startswith("nb"):
            continue
        mod = importlib.import_module(f"notebooks.{info.name}")
        if prefixes and not any(mod.NAME.startswith(p) for p in prefixes):
            continue
        write(mod.NAME, mod.CELLS)
        print(f"wrote notebooks/{mod.NAME} ({len(mod.CELLS)} cells)")


if __name__ == "__main__":
    main(sys.argv[1:])
