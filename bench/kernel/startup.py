"""Times the polytask kernel from a client's view: start to idle (kernel_info answered),
the first cell (compiler warm-up included), and the first `import * as pt from "polytask"`
cell, sent at once and sent after 8 s of idle (the kernel warms up after its first kernel_info). Writes bench/out/kernel-startup.json and prints a table. Run through run.sh."""

import json
import os
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUNS = int(os.environ.get("RUNS", "3"))


def timed_execute(kc, code, timeout=120):
    t = time.perf_counter()
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: None)
    assert reply["content"]["status"] == "ok", reply["content"]
    return time.perf_counter() - t


def one_run(kernel_name, idle_before_first_cell=0.0):
    km = KernelManager(kernel_name=kernel_name)
    t0 = time.perf_counter()
    km.start_kernel(cwd=os.path.join(REPO, "notebooks"))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    ready = time.perf_counter() - t0
    try:
        time.sleep(idle_before_first_cell)
        import_cell = timed_execute(kc, 'import * as pt from "polytask";\ntypeof pt.model')
        first_total = time.perf_counter() - t0
        second = timed_execute(kc, "1 + 1")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    return {"start_to_idle_s": ready, "first_import_cell_s": import_cell, "start_to_import_done_s": first_total,
            "next_cell_s": second}


def main():
    kernel_name = sys.argv[1] if len(sys.argv) > 1 else "polytask"
    runs = []
    for _ in range(RUNS):
        r = one_run(kernel_name)
        # the same, with the user taking a few seconds before the first cell (warm-up done)
        r["first_import_cell_after_8s_idle_s"] = one_run(kernel_name, 8.0)["first_import_cell_s"]
        runs.append(r)
    keys = runs[0].keys()
    summary = {k: {"median": statistics.median(r[k] for r in runs), "min": min(r[k] for r in runs)} for k in keys}
    report = {"kernel": kernel_name, "runs": runs, "summary": summary, "cpus": os.cpu_count(),
              "load_avg_1m": os.getloadavg()[0], "targets_s": {"start_to_idle_s": 3, "first_import_cell_s": 5}}
    out_dir = os.path.join(REPO, "bench", "out")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "kernel-startup.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(f"kernel {kernel_name}: {RUNS} runs, load avg {report['load_avg_1m']:.1f} on {report['cpus']} cpus")
    for k in keys:
        print(f"  {k:26s} median {summary[k]['median']:6.2f} s   min {summary[k]['min']:6.2f} s")


if __name__ == "__main__":
    main()
