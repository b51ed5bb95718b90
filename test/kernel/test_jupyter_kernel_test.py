"""The standard `jupyter_kernel_test` suite run against the polytask kernel.

KERNEL_NAME selects the kernelspec (default "polytask"); `test/kernel/compare_tslab.sh` runs the
same class against plain tslab for the comparison table in kernel/README.md.
"""

import os
import unittest

import jupyter_kernel_test as jkt

KERNEL = os.environ.get("KERNEL_NAME", "polytask")


class PolytaskKernelTests(jkt.KernelTests):
    kernel_name = KERNEL
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("to stderr")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const someLongName = 1;\nsomeLong", "matches": {"someLongName"}},
    ]

    complete_code_samples = ["1 + 1", "let x = 1;", "function f() { return 1; }", "const y = await Promise.resolve(1);"]
    incomplete_code_samples = ["function f() {", "let a = [1, 2,", "if (true) {", "let s = `abc", "/* open comment"]
    invalid_code_samples = ["let a = ;", "1 +* 2", "let 1a = 5", ")"]

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'a' + 'b'", "result": "'ab'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]

    code_display_data = [
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<b>hi</b>")', "mime": "text/html"},
        {"code": 'import * as tslab from "tslab";\ntslab.display.markdown("*hi*")', "mime": "text/markdown"},
    ]

    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    # clear_output through the polytask DisplayHost the kernel installs (src/notebook/host.ts)
    code_clear_output = (
        'console.log("soon gone");\n'
        '(globalThis as any)[Symbol.for("polytask.displayHost")].clearOutput(false)'
    )

    code_inspect_sample = "Math.max"
    code_page_something = "Math.max?"


if __name__ == "__main__":
    unittest.main()
