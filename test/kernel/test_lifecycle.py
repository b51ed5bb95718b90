"""Kernel lifetime: shutdown_request ends the process by itself, and a kernel whose
parent dies (SIGKILL, no shutdown) exits instead of lingering as an orphan."""

import os
import signal
import subprocess
import sys
import time

from conftest import KERNEL, REPO
from jupyter_client.manager import start_new_kernel


def gone(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except FileNotFoundError:
        return True


def wait_until(cond, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def test_shutdown_request_exits_the_process():
    km, kc = start_new_kernel(kernel_name=KERNEL, cwd=REPO)
    try:
        msg_id = kc.shutdown(restart=False)  # sent on the control channel
        msg = kc.control_channel.get_msg(timeout=30)
        while msg["parent_header"].get("msg_id") != msg_id:
            msg = kc.control_channel.get_msg(timeout=30)
        assert msg["header"]["msg_type"] == "shutdown_reply"
        assert msg["content"] == {"status": "ok", "restart": False}
        assert wait_until(lambda: not km.is_alive(), 10), "kernel still alive after shutdown_reply"
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)


LAUNCHER = """
import sys, time
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name=sys.argv[1])
km.start_kernel(cwd=sys.argv[2])
print(km.provisioner.process.pid, flush=True)
time.sleep(120)
"""


def test_kernel_dies_with_its_parent():
    parent = subprocess.Popen([sys.executable, "-c", LAUNCHER, KERNEL, REPO], stdout=subprocess.PIPE, text=True)
    kernel_pid = int(parent.stdout.readline())
    assert not gone(kernel_pid)
    time.sleep(0.3)  # possibly before the kernel finished starting
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    assert wait_until(lambda: gone(kernel_pid), 10), "orphaned kernel still running"
