"""Interrupts in both modes: a busy async loop stops (and stays stopped), a synchronous
loop is broken by SIGINT, and `await model.fit(...)` stops at a step boundary through the
kernel's interrupt target, leaving the Run, the model and the kernel usable."""

import time

import pytest
from conftest import reply_for, run

# Variables declared by a failed (interrupted) cell are not kept by tslab: count on globalThis.
ASYNC_LOOP = (
    "const g = globalThis as any;\ng.{v} = 0;\n"
    "while (true) {{ await new Promise((r) => setTimeout(r, 5)); g.{v}++; }}"
)


def interrupt(km, mode):
    km.kernel_spec.interrupt_mode = mode
    km.interrupt_kernel()


def value(kc, expr):
    reply, out = run(kc, expr)
    assert reply["content"]["status"] == "ok", reply["content"]
    return next(m["data"]["text/plain"] for t, m in out if t == "execute_result")


@pytest.mark.parametrize("mode", ["message", "signal"])
def test_interrupt_async_loop(kernel, mode):
    km, kc = kernel
    var = f"ticks_{mode}"
    assert value(kc, "1") == "1"  # compiler warmed up: the loop starts at once
    msg_id = kc.execute(ASYNC_LOOP.format(v=var))
    time.sleep(1.0)
    t0 = time.time()
    interrupt(km, mode)
    reply = reply_for(kc, msg_id, timeout=60)["content"]
    assert reply["status"] == "error" and reply["ename"] == "KernelInterrupt"
    assert time.time() - t0 < 30  # generous: the test machine may be loaded
    var = f"(globalThis as any).{var}"
    first = int(value(kc, var))
    assert first > 0
    time.sleep(0.3)
    assert int(value(kc, var)) == first, "the loop kept running after the interrupt"


def test_interrupt_sync_loop_with_signal(kernel):
    km, kc = kernel
    msg_id = kc.execute("(globalThis as any).spins = 0;\nwhile (true) { (globalThis as any).spins++; }")
    time.sleep(1.0)
    interrupt(km, "signal")
    reply = reply_for(kc, msg_id, timeout=60)["content"]
    assert reply["status"] == "error" and reply["ename"] == "KernelInterrupt", reply
    assert value(kc, "1 + 1") == "2"


SETUP_FIT = """
import * as pt from "polytask";
await pt.useBackend("cpu");
const dim = 8, n = 256;
const x = Float32Array.from({ length: n * dim }, (_, i) => Math.sin(i * 12.9898) * 0.5);
const y = Int32Array.from({ length: n }, (_, i) => (x[i * dim] > 0 ? 1 : 0));
const data = pt.datasets.fromArrays({ x, y, inputShape: [dim], numClasses: 2, name: "a" });
const net = pt.model({ input: [dim] }).backbone(pt.backbones.mlp({ units: [16] })).head("a", pt.heads.classifier(2));
"""


@pytest.mark.parametrize("mode", ["message", "signal"])
def test_interrupt_fit_stops_at_step_boundary(kernel, mode):
    km, kc = kernel
    reply, _ = run(kc, SETUP_FIT, timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    msg_id = kc.execute("const run = await net.fit({ a: data }, { epochs: 100000, batchSize: 8, seed: 1 });")
    time.sleep(3.0)
    interrupt(km, mode)
    reply = reply_for(kc, msg_id, timeout=90)["content"]
    # fit listens to the interrupt target: it stops cooperatively and returns its Run
    assert reply["status"] == "ok", reply
    assert value(kc, "run.reason") == "'interrupted'"
    # the model is consistent and trains again; the kernel is usable
    assert value(kc, 'const again = await net.fit({ a: data }, { epochs: 1, batchSize: 64 });\nagain.reason') == (
        "'completed'"
    )
