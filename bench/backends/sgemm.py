"""Peak float32 GEMM rate of this machine via numpy's BLAS (OpenBLAS in the numpy wheels).

Prints one JSON line: {"blas", "threads", "gflops" (best wall time of several 2048^3 products),
"gflops_cpu" (best per process CPU time)}.
Run with OPENBLAS_NUM_THREADS set to pin the thread count.
"""

import json
import os
import time

import numpy as np


def main() -> None:
    n = int(os.environ.get("SGEMM_N", "2048"))
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    a @ b  # warm-up
    best = float("inf")
    best_cpu = float("inf")
    for _ in range(int(os.environ.get("SGEMM_REPS", "5"))):
        start = time.perf_counter()
        cpu_start = time.process_time()
        a @ b
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu_start)
    cfg = np.show_config(mode="dicts") or {}
    blas = cfg.get("Build Dependencies", {}).get("blas", {})
    print(
        json.dumps(
            {
                "blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
                "numpy": np.__version__,
                "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                "n": n,
                "gflops": 2 * n**3 / best / 1e9,
                # Per second of process CPU time: robust to other jobs on a shared machine
                # (for one thread; with more it sums the threads' time).
                "gflops_cpu": 2 * n**3 / best_cpu / 1e9,
            }
        )
    )


if __name__ == "__main__":
    main()
