"""polytask's Ray sweep driver (started by `polytask sweep --engine ray`).

Runs every trial of a plan as a Ray task with the trial's resources; an attempt runs the trial's
`polytask train ... --resume` command in its own session and fails (so Ray retries it, up to the
plan's retries) when the command does not exit 0. A retried attempt resumes from the trial's last
checkpoint. Results are collected back through Ray and written to the results file; one line per
finished trial goes to stdout.

usage: python ray_driver.py PLAN.json RESULTS.json
"""
import datetime
import json
import os
import signal
import socket
import subprocess
import sys


class AttemptFailed(RuntimeError):
    """An attempt that may succeed when retried (killed, crashed, timed out)."""


class BadInput(ValueError):
    """polytask train exited 2: its config or data is wrong, so Ray does not retry it."""


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def _child_setup():
    # own session (process group), and die with the Ray worker that started it (Linux)
    os.setsid()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def run_attempt(trial, timeout):
    """One attempt of one trial, inside a Ray worker; returns the trial's result.json."""
    attempts = trial["attempts"]
    n = 1
    if os.path.exists(attempts):
        with open(attempts) as f:
            n += sum(1 for line in f if line.strip())
    start = _now()
    host = socket.gethostname()
    with open(trial["log"], "ab") as log:
        log.write(f"== attempt {n} on {host} (ray)\n".encode())
        log.flush()
        p = subprocess.Popen(
            trial["argv"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_child_setup,
            env={**os.environ, "POLYTASK_TRIAL": trial["id"]},
        )
    with open(trial["pid"], "w") as f:
        f.write(str(p.pid))
    error = None
    try:
        code = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        error = f"timed out after {timeout} s"
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                break
            try:
                p.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        code = p.wait()
    record = {
        "attempt": n,
        "engine": "ray",
        "host": host,
        "pid": p.pid,
        "start": start,
        "end": _now(),
        "exitCode": code if code >= 0 else None,
        "signal": signal.Signals(-code).name if code < 0 else None,
    }
    if error:
        record["error"] = error
    with open(attempts, "a") as f:
        f.write(json.dumps(record) + "\n")
    if code == 2:
        raise BadInput(f"trial {trial['id']}: bad config or data (see {trial['log']})")
    if code != 0:
        raise AttemptFailed(f"trial {trial['id']}: polytask train exited with {code} ({error or 'see ' + trial['log']})")
    with open(trial["result"]) as f:
        return json.load(f)


def main(plan_path, results_path):
    with open(plan_path) as f:
        plan = json.load(f)
    import ray

    if plan.get("address"):
        ray.init(address=plan["address"], log_to_driver=False)
    else:
        ray.init(include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    remote = ray.remote(run_attempt)
    refs = {}
    for t in plan["trials"]:
        ref = remote.options(
            num_cpus=t["cpus"],
            num_gpus=t["gpus"],
            max_retries=plan["retries"],
            retry_exceptions=[AttemptFailed],
            name=f"polytask-{t['id']}",
        ).remote(t, plan.get("timeout"))
        refs[ref] = t["id"]
    results = {}
    pending = list(refs)

    def write():
        tmp = results_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(results, f)
        os.replace(tmp, results_path)

    def stop(signum, _frame):
        for ref in pending:
            ray.cancel(ref, force=True)
        for ref in pending:
            results.setdefault(refs[ref], {"status": "failed", "error": "sweep stopped"})
        write()
        ray.shutdown()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        for ref in done:
            tid = refs[ref]
            try:
                results[tid] = {"status": "completed", "result": ray.get(ref)}
                print(f"{tid} completed", flush=True)
            except Exception as e:  # the last attempt's failure
                results[tid] = {"status": "failed", "error": str(e)[-2000:]}
                print(f"{tid} failed", flush=True)
        write()
    write()
    ray.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
