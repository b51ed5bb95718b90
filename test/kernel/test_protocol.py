"""Protocol behaviour that jupyter_kernel_test does not cover: error then next cell,
stop_on_error aborting only the queued cells of the same execution, display bundles with
metadata, update_display_data and clear_output, execution counts and kernel_info."""

from conftest import collect, reply_for, run


def test_kernel_info(kernel):
    _, kc = kernel
    info = kc.kernel_info(reply=True)["content"]
    assert info["status"] == "ok"
    assert info["protocol_version"] == "5.3"
    assert info["implementation"] == "polytask"
    lang = info["language_info"]
    assert lang["name"] == "typescript" and lang["file_extension"] == ".ts"
    assert lang["version"].count(".") == 2  # the TypeScript compiler version, e.g. 5.0.4


def test_error_reply_and_next_cell_runs(kernel):
    _, kc = kernel
    reply, out = run(kc, 'throw new RangeError("bad range")')
    c = reply["content"]
    assert c["status"] == "error"
    assert (c["ename"], c["evalue"]) == ("RangeError", "bad range")
    assert c["traceback"][0].startswith("RangeError: bad range")
    errors = [m for t, m in out if t == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "RangeError"
    # immediately after the error reply, the next cell runs (no silent abort window)
    reply, out = run(kc, "40 + 2")
    assert reply["content"]["status"] == "ok"
    assert ("execute_result", {"execution_count": reply["content"]["execution_count"],
                               "data": {"text/plain": "42"}, "metadata": {}}) in out


def test_type_error_is_reported(kernel):
    _, kc = kernel
    reply, _ = run(kc, 'const n: number = "text";')
    c = reply["content"]
    assert c["status"] == "error" and c["ename"] == "TypeScriptError"
    assert "not assignable to type 'number'" in c["evalue"]


def test_stop_on_error_aborts_queued_cells_of_the_same_execution(kernel):
    _, kc = kernel
    ids = [
        kc.execute('await new Promise((r) => setTimeout(r, 300)); throw new Error("first fails")'),
        kc.execute("globalThis.ranSecond = true"),
        kc.execute("globalThis.ranThird = true"),
    ]
    replies = [reply_for(kc, i)["content"] for i in ids]
    assert replies[0]["status"] == "error" and replies[0]["evalue"] == "first fails"
    for r in replies[1:]:
        # as ipykernel: no execution_count, so front ends leave the prompt "[ ]"
        assert r == {"status": "aborted"}
    reply, out = run(kc, "[(globalThis as any).ranSecond, (globalThis as any).ranThird]")
    assert reply["content"]["status"] == "ok"
    assert [m["data"]["text/plain"] for t, m in out if t == "execute_result"] == ["[ undefined, undefined ]"]


def test_stop_on_error_false_runs_queued_cells(kernel):
    _, kc = kernel
    ids = [
        kc.execute('throw new Error("ignored")', stop_on_error=False),
        kc.execute("(globalThis as any).afterIgnored = 7"),
    ]
    replies = [reply_for(kc, i)["content"] for i in ids]
    assert replies[0]["status"] == "error"
    assert replies[1]["status"] == "ok"


def test_execution_count_and_execute_input(kernel):
    _, kc = kernel
    r1, out1 = run(kc, "1")
    r2, out2 = run(kc, "2", store_history=False)
    r3, _ = run(kc, "3")
    n1 = r1["content"]["execution_count"]
    assert r2["content"]["execution_count"] == n1  # store_history=False does not count
    assert r3["content"]["execution_count"] == n1 + 1
    assert ("execute_input", {"code": "1", "execution_count": n1}) in out1


def test_display_bundle_with_metadata_update_and_clear(kernel):
    _, kc = kernel
    code = """
const host = (globalThis as any)[Symbol.for("polytask.displayHost")];
host.display(
  { "text/plain": "fig v1", "text/html": "<div>v1</div>", "application/vnd.plotly.v1+json": { data: [], layout: {} } },
  { metadata: { "text/html": { isolated: true } }, displayId: "fig-1" },
);
host.display({ "text/plain": "fig v2", "text/html": "<div>v2</div>" }, { displayId: "fig-1", update: true });
host.clearOutput(true);
"""
    reply, out = run(kc, code)
    assert reply["content"]["status"] == "ok"
    kinds = [t for t, _ in out if t not in ("status", "execute_input")]
    assert kinds == ["display_data", "update_display_data", "clear_output"]
    disp = next(m for t, m in out if t == "display_data")
    assert set(disp["data"]) == {"text/plain", "text/html", "application/vnd.plotly.v1+json"}
    assert disp["metadata"] == {"text/html": {"isolated": True}}
    assert disp["transient"] == {"display_id": "fig-1"}
    upd = next(m for t, m in out if t == "update_display_data")
    assert upd["transient"] == {"display_id": "fig-1"} and upd["data"]["text/plain"] == "fig v2"
    assert next(m for t, m in out if t == "clear_output") == {"wait": True}


def test_tslab_display_api_updates_in_place(kernel):
    _, kc = kernel
    code = 'import * as tslab from "tslab";\nconst d = tslab.newDisplay();\nd.text("one");\nd.text("two");'
    reply, out = run(kc, code)
    assert reply["content"]["status"] == "ok"
    shown = [(t, m["transient"].get("display_id"), m["data"]) for t, m in out if "display_data" in t]
    assert [s[0] for s in shown] == ["display_data", "update_display_data"]
    assert shown[0][1] and shown[0][1] == shown[1][1]


def test_user_expressions(kernel):
    _, kc = kernel
    reply, _ = run(kc, "const ueBase = 20;", user_expressions={"double": "ueBase * 2", "bad": "ueMissing"})
    ue = reply["content"]["user_expressions"]
    assert ue["double"] == {"status": "ok", "data": {"text/plain": "40"}, "metadata": {}}
    assert ue["bad"]["status"] == "error" and ue["bad"]["ename"] == "TypeScriptError"


def test_history_and_comm_info(kernel):
    _, kc = kernel
    run(kc, "const historyMarker = 123")
    hist = kc.history(hist_access_type="tail", n=1, output=False, raw=True, reply=True)["content"]
    assert hist["status"] == "ok" and hist["history"][-1][2] == "const historyMarker = 123"
    msg_id = kc.comm_info()
    rep = reply_for(kc, msg_id)
    assert rep["header"]["msg_type"] == "comm_info_reply"
    assert rep["content"] == {"status": "ok", "comms": {}}


def test_complete_and_inspect(kernel):
    _, kc = kernel
    run(kc, "const polytaskKernelValue = { alpha: 1, beta: 2 };")
    rep = kc.complete("polytaskKernelValue.al", reply=True)["content"]
    assert rep["status"] == "ok" and "alpha" in rep["matches"]
    code = "polytaskKernelValue"
    rep = kc.inspect(code, len(code), reply=True)["content"]
    assert rep["found"] and "alpha" in rep["data"]["text/plain"]


def test_polytask_resolves_from_a_notebook_outside_the_project(tmp_path):
    from conftest import KERNEL
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name=KERNEL, cwd=str(tmp_path))
    try:
        reply, out = run(kc, 'import * as pt from "polytask";\nconst m: typeof pt.model = pt.model;\ntypeof m', timeout=120)
        assert reply["content"]["status"] == "ok", reply["content"]
        assert [m["data"]["text/plain"] for t, m in out if t == "execute_result"] == ["'function'"]
        # the types come along: a misuse is a compile error
        reply, _ = run(kc, "pt.model(42)")
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "TypeScriptError"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
