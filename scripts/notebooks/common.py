"""Cell constructors and the setup cell shared by the tutorial notebooks."""


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


SETUP = """
import * as pt from "polytask";
// The tests execute every notebook with POLYTASK_QUICK=1: small sizes, same code.
const QUICK = process.env.POLYTASK_QUICK === "1";
"""
