import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ExecutingCell, KernelHandler } from "../../kernel/handler.js";
import { RecordingOutbound, StubExecutor, request, tick } from "./stub.js";

function setup() {
  const exec = new StubExecutor();
  const out = new RecordingOutbound();
  const shutdowns: boolean[] = [];
  const cells: ExecutingCell[] = [];
  const handler = new KernelHandler(
    exec,
    out,
    { implementationVersion: "0.1.0", banner: "polytask" },
    { onShutdown: (r) => shutdowns.push(r), cellStarted: (c) => cells.push(c) },
  );
  return { exec, out, handler, shutdowns, cells };
}

describe("KernelHandler", () => {
  it("reports each cell's id, execution count and deleted cells from the request metadata", async () => {
    const { out, handler, cells } = setup();
    const a = request("execute_request", { code: "value 1" }, { metadata: { cellId: "c-a" } });
    const b = request(
      "execute_request",
      { code: "value 2" },
      { metadata: { cellId: "c-b", deletedCells: ["c-old", 3] } },
    );
    const silent = request("execute_request", { code: "value 3", silent: true });
    const plain = request("execute_request", { code: "value 4" });
    for (const r of [a, b, silent, plain]) handler.receive(r);
    await handler.whenIdle();
    assert.deepEqual(cells, [
      { id: "c-a", execution: 1 },
      { id: "c-b", execution: 2, deleted: ["c-old"] },
      { id: undefined, execution: 3 },
    ]);
    assert.deepEqual(handler.currentCell(), { id: undefined, execution: 3 });
    // the hook runs after execute_input, so what it displays belongs to the cell
    assert.equal(out.types(a.header.msg_id)[1], "execute_input");
  });

  it("answers kernel_info with status, protocol 5.3 and the language version, between busy and idle", async () => {
    const { out, handler } = setup();
    const req = request("kernel_info_request");
    handler.receive(req);
    await handler.whenIdle();
    assert.deepEqual(out.types(req.header.msg_id), ["status", "reply:kernel_info_reply", "status"]);
    const c = out.replyTo(req.header.msg_id).content;
    assert.equal(c.status, "ok");
    assert.equal(c.protocol_version, "5.3");
    assert.equal(c.implementation, "polytask");
    assert.deepEqual(
      [c.language_info.name, c.language_info.version, c.language_info.file_extension],
      ["typescript", "5.0.4", ".ts"],
    );
  });

  it("publishes execute_input and execute_result and counts executions", async () => {
    const { out, handler } = setup();
    const a = request("execute_request", { code: "value 42" });
    const b = request("execute_request", { code: "value 7", store_history: false });
    const c = request("execute_request", { code: "value 8", silent: true });
    const d = request("execute_request", { code: "x" });
    for (const r of [a, b, c, d]) handler.receive(r);
    await handler.whenIdle();
    assert.deepEqual(out.types(a.header.msg_id), [
      "status",
      "execute_input",
      "execute_result",
      "reply:execute_reply",
      "status",
    ]);
    const result = out.of(a.header.msg_id).find((s) => s.msgType === "execute_result");
    assert.deepEqual(result?.content, {
      execution_count: 1,
      data: { "text/plain": "42" },
      metadata: {},
    });
    assert.equal(out.replyTo(a.header.msg_id).content.execution_count, 1);
    assert.equal(
      out.replyTo(b.header.msg_id).content.execution_count,
      1,
      "store_history=false does not count",
    );
    assert.deepEqual(
      out.types(c.header.msg_id),
      ["status", "reply:execute_reply", "status"],
      "silent: no iopub",
    );
    assert.equal(out.replyTo(d.header.msg_id).content.execution_count, 2);
    assert.equal(handler.executionCount, 2);
  });

  it("reports errors on iopub and in the reply with ename, evalue and traceback", async () => {
    const { out, handler } = setup();
    const req = request("execute_request", { code: "throw boom" });
    handler.receive(req);
    await handler.whenIdle();
    const err = out.of(req.header.msg_id).find((s) => s.msgType === "error");
    assert.deepEqual(err?.content, { ename: "Error", evalue: "boom", traceback: ["Error: boom"] });
    assert.deepEqual(out.replyTo(req.header.msg_id).content, {
      status: "error",
      execution_count: 1,
      ename: "Error",
      evalue: "boom",
      traceback: ["Error: boom"],
    });
  });

  it("stop_on_error aborts only the queued cells of the same session, and later cells run", async () => {
    const { exec, out, handler } = setup();
    exec.holdCodes.add("slow");
    const first = request("execute_request", { code: "slow" });
    const queued = request("execute_request", { code: "second" });
    const complete = request("is_complete_request", { code: "1" });
    const other = request("execute_request", { code: "other session" }, { session: "s2" });
    for (const r of [first, queued, complete, other]) handler.receive(r);
    await tick();
    exec.release("slow", { status: "error", ename: "Error", evalue: "failed", traceback: [] });
    await handler.whenIdle();
    const aborted = out.replyTo(queued.header.msg_id);
    // As ipykernel: status "aborted" and no execution_count, so the prompt stays "[ ]"
    // instead of showing the failed cell's count.
    assert.deepEqual(aborted.content, { status: "aborted" });
    assert.equal(aborted.metadata?.status, "aborted");
    assert.ok(!out.types(queued.header.msg_id).includes("execute_input"));
    assert.equal(out.replyTo(complete.header.msg_id).content.status, "complete");
    assert.equal(out.replyTo(other.header.msg_id).content.status, "ok");
    assert.deepEqual(exec.executed, ["slow", "other session"]);
    // a request that arrives after the error reply is not aborted (no time window)
    const after = request("execute_request", { code: "after" });
    handler.receive(after);
    await handler.whenIdle();
    assert.equal(out.replyTo(after.header.msg_id).content.status, "ok");
  });

  it("with stop_on_error false, queued cells still run", async () => {
    const { exec, out, handler } = setup();
    const a = request("execute_request", { code: "throw x", stop_on_error: false });
    const b = request("execute_request", { code: "next" });
    handler.receive(a);
    handler.receive(b);
    await handler.whenIdle();
    assert.equal(out.replyTo(b.header.msg_id).content.status, "ok");
    assert.deepEqual(exec.executed, ["throw x", "next"]);
  });

  it("answers interrupt_request on control while a cell runs, without status messages", async () => {
    const { exec, out, handler } = setup();
    exec.holdCodes.add("loop");
    const run = request("execute_request", { code: "loop" });
    handler.receive(run);
    await tick();
    const intr = request("interrupt_request", {}, { channel: "control" });
    handler.receive(intr);
    await tick();
    assert.equal(exec.interrupts, 1);
    assert.deepEqual(out.types(intr.header.msg_id), ["reply:interrupt_reply"]);
    assert.equal(out.replyTo(intr.header.msg_id).channel, "control");
    exec.release("loop", {
      status: "error",
      ename: "KernelInterrupt",
      evalue: "Execution interrupted",
      traceback: [],
    });
    await handler.whenIdle();
    assert.equal(out.replyTo(run.header.msg_id).content.ename, "KernelInterrupt");
  });

  it("sends display_data, update_display_data and clear_output under the running cell", async () => {
    const { exec, out, handler } = setup();
    exec.holdCodes.add("show");
    const req = request("execute_request", { code: "show" });
    handler.receive(req);
    await tick();
    handler.display(
      { "text/plain": "v1", "text/html": "<b>v1</b>" },
      { metadata: { a: 1 }, displayId: "d" },
    );
    handler.display({ "text/plain": "v2" }, { displayId: "d", update: true });
    handler.clearOutput(true);
    handler.stream("stdout", "hello\n");
    exec.release("show", { status: "ok" });
    await handler.whenIdle();
    const msgs = out.of(req.header.msg_id);
    const byType = (t: string) => msgs.find((m) => m.msgType === t)?.content;
    assert.deepEqual(byType("display_data"), {
      data: { "text/plain": "v1", "text/html": "<b>v1</b>" },
      metadata: { a: 1 },
      transient: { display_id: "d" },
    });
    assert.deepEqual(byType("update_display_data"), {
      data: { "text/plain": "v2" },
      metadata: {},
      transient: { display_id: "d" },
    });
    assert.deepEqual(byType("clear_output"), { wait: true });
    assert.deepEqual(byType("stream"), { name: "stdout", text: "hello\n" });
  });

  it("answers history (tail, range, search), comm_info, complete, inspect and is_complete", async () => {
    const { out, handler } = setup();
    for (const code of ["value 1", "value 2", "value 1"])
      handler.receive(request("execute_request", { code }));
    const tail = request("history_request", {
      hist_access_type: "tail",
      n: 2,
      output: true,
      raw: true,
    });
    const range = request("history_request", {
      hist_access_type: "range",
      session: 0,
      start: 1,
      stop: 2,
    });
    const search = request("history_request", {
      hist_access_type: "search",
      pattern: "value 1",
      unique: true,
    });
    const comm = request("comm_info_request");
    const comp = request("complete_request", { code: "Math.m", cursor_pos: 6 });
    const insp = request("inspect_request", { code: "Math.max", cursor_pos: 8 });
    const inc = request("is_complete_request", { code: "if (x) {" });
    for (const r of [tail, range, search, comm, comp, insp, inc]) handler.receive(r);
    await handler.whenIdle();
    assert.deepEqual(out.replyTo(tail.header.msg_id).content.history, [
      [1, 2, ["value 2", "2"]],
      [1, 3, ["value 1", "1"]],
    ]);
    assert.deepEqual(out.replyTo(range.header.msg_id).content.history, [[1, 1, "value 1"]]);
    assert.deepEqual(out.replyTo(search.header.msg_id).content.history, [[1, 3, "value 1"]]);
    const c = out.replyTo(comm.header.msg_id);
    assert.equal(c.msgType, "comm_info_reply");
    assert.deepEqual(c.content, { status: "ok", comms: {} });
    assert.deepEqual(out.replyTo(comp.header.msg_id).content, {
      status: "ok",
      matches: ["max", "min"],
      cursor_start: 5,
      cursor_end: 6,
      metadata: {},
    });
    assert.equal(out.replyTo(insp.header.msg_id).content.found, true);
    assert.deepEqual(out.replyTo(inc.header.msg_id).content, {
      status: "incomplete",
      indent: "  ",
    });
  });

  it("evaluates user_expressions after a successful cell", async () => {
    const { out, handler } = setup();
    const req = request("execute_request", {
      code: "x",
      user_expressions: { good: "value 3", bad: "throw no" },
    });
    handler.receive(req);
    await handler.whenIdle();
    assert.deepEqual(out.replyTo(req.header.msg_id).content.user_expressions, {
      good: { status: "ok", data: { "text/plain": "3" }, metadata: {} },
      bad: { status: "error", ename: "Error", evalue: "no", traceback: ["Error: no"] },
    });
  });

  it("pages `name?` through inspect, as a page payload", async () => {
    const { out, handler } = setup();
    const req = request("execute_request", { code: "Math.max?" });
    handler.receive(req);
    await handler.whenIdle();
    const payload = out.replyTo(req.header.msg_id).content.payload;
    assert.equal(payload.length, 1);
    assert.equal(payload[0].source, "page");
    assert.match(payload[0].data["text/plain"], /Math\.max/);
  });

  it("closes comms it has no target for, and shuts down on request", async () => {
    const { out, handler, shutdowns } = setup();
    const open = request("comm_open", { comm_id: "c1", target_name: "jupyter.widget", data: {} });
    handler.receive(open);
    const down = request("shutdown_request", { restart: false }, { channel: "control" });
    handler.receive(down);
    await handler.whenIdle();
    await tick();
    assert.deepEqual(out.of(open.header.msg_id).find((m) => m.msgType === "comm_close")?.content, {
      comm_id: "c1",
      data: {},
    });
    assert.deepEqual(out.replyTo(down.header.msg_id).content, { status: "ok", restart: false });
    assert.ok(
      out
        .of(down.header.msg_id)
        .some((m) => m.kind === "publish" && m.msgType === "shutdown_reply"),
    );
    assert.deepEqual(shutdowns, [false]);
  });
});
