"""Shared fixtures for the kernel protocol tests: a started polytask kernel and helpers."""

import os
import time

import pytest
from jupyter_client.manager import start_new_kernel

KERNEL = os.environ.get("KERNEL_NAME", "polytask")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name=KERNEL, cwd=os.path.join(REPO, "notebooks"))
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def run(kc, code, timeout=60, **kw):
    """Executes code; returns (reply, [(msg_type, content), ...]) of this request's iopub."""
    out = []
    reply = kc.execute_interactive(
        code, timeout=timeout, output_hook=lambda m: out.append((m["msg_type"], m["content"])), **kw
    )
    return reply, out


def collect(kc, msg_id, timeout=30):
    """Iopub messages of one request until its idle status."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=deadline - time.time())
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append((msg["msg_type"], msg["content"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out
    raise TimeoutError(f"no idle for {msg_id}")


def reply_for(kc, msg_id, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_shell_msg(timeout=deadline - time.time())
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
    raise TimeoutError(f"no reply for {msg_id}")
