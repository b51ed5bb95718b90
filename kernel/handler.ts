/**
 * The protocol-5.3 message handler: shell requests run one at a time in arrival order
 * (status busy/idle around each), control requests (interrupt, shutdown, kernel_info)
 * are answered at once. No sockets here: a transport feeds `receive` and implements
 * `Outbound`, so the whole protocol is unit-testable with a stub executor.
 */
import type { CodeExecutor, ExecuteOutcome } from "./executor.js";
import { History } from "./history.js";
import {
  type Content,
  type Header,
  type MimeBundle,
  type Outbound,
  PROTOCOL_VERSION,
  type Request,
} from "./protocol.js";

export interface KernelIdentity {
  implementationVersion: string;
  banner: string;
}

export interface DisplayRequest {
  metadata?: Record<string, unknown>;
  displayId?: string;
  update?: boolean;
}

/** The cell an execute_request runs (its front-end id when sent) and its execution count. */
export interface ExecutingCell {
  id?: string;
  execution: number;
  /** Cells deleted since the previous request (JupyterLab's `metadata.deletedCells`). */
  deleted?: string[];
}

export interface HandlerHooks {
  /**
   * Called when a (non-silent) execute_request starts, after execute_input and before the
   * code runs; outputs sent from it go to that cell.
   */
  cellStarted?(cell: ExecutingCell): void;
  /** Called after shutdown_reply has been sent. */
  onShutdown?(restart: boolean): void;
  /** Where the handler reports its own failures (never the notebook's stdout). */
  log?(message: string): void;
}

const PAGER = /^\s*([A-Za-z_$][\w$.]*)\s*\?\s*$/;

export class KernelHandler {
  private readonly queue: Request[] = [];
  private readonly toAbort = new Set<string>();
  private readonly history = new History();
  private readonly idleWaiters: Array<() => void> = [];
  private running = false;
  private count = 0;
  private parent: Header | undefined;
  private cell: ExecutingCell | undefined;

  constructor(
    private readonly exec: CodeExecutor,
    private readonly out: Outbound,
    private readonly identity: KernelIdentity,
    private readonly hooks: HandlerHooks = {},
  ) {}

  /** The cell now executing (or the last one), for the display host. */
  currentCell(): ExecutingCell | undefined {
    return this.cell;
  }

  /** The execution count of the last stored execution. */
  get executionCount(): number {
    return this.count;
  }

  receive(req: Request): void {
    if (req.channel === "control" && isControlOnly(req.header.msg_type)) {
      void this.handleControl(req);
      return;
    }
    this.queue.push(req);
    void this.pump();
  }

  /** Resolves once every queued shell request has been answered. */
  whenIdle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---- output from running code (stdout/stderr, display host, tslab display) ----

  stream(name: "stdout" | "stderr", text: string): void {
    if (text.length > 0) this.out.publish("stream", { name, text }, this.parent);
  }

  display(data: MimeBundle, opts: DisplayRequest = {}): void {
    const transient = opts.displayId ? { display_id: opts.displayId } : {};
    const type = opts.update && opts.displayId ? "update_display_data" : "display_data";
    this.out.publish(type, { data, metadata: opts.metadata ?? {}, transient }, this.parent);
  }

  clearOutput(wait = false): void {
    this.out.publish("clear_output", { wait }, this.parent);
  }

  // ---- dispatch ----

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let req = this.queue.shift(); req; req = this.queue.shift()) {
        await this.withStatus(req, () => this.handleShell(req as Request));
      }
    } finally {
      this.running = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async withStatus(req: Request, fn: () => Promise<void> | void): Promise<void> {
    this.out.publish("status", { execution_state: "busy" }, req.header);
    try {
      await fn();
    } catch (e) {
      this.hooks.log?.(
        `polytask kernel: ${req.header.msg_type} failed: ${(e as Error)?.stack ?? e}`,
      );
      if (req.header.msg_type.endsWith("_request")) {
        this.out.reply(req, req.header.msg_type.replace(/_request$/, "_reply"), errorReply(e));
      }
    } finally {
      this.out.publish("status", { execution_state: "idle" }, req.header);
    }
  }

  private async handleControl(req: Request): Promise<void> {
    const run = () => this.handleShell(req);
    // Status messages for control requests would tell a frontend "idle" while a cell runs.
    if (this.running) await run();
    else await this.withStatus(req, run);
  }

  private async handleShell(req: Request): Promise<void> {
    const c = req.content;
    switch (req.header.msg_type) {
      case "kernel_info_request":
        this.out.reply(req, "kernel_info_reply", this.kernelInfo());
        this.exec.warmUp?.();
        return;
      case "execute_request":
        return this.execute(req);
      case "is_complete_request":
        this.out.reply(req, "is_complete_reply", this.exec.isComplete(String(c.code ?? "")));
        return;
      case "complete_request": {
        const code = String(c.code ?? "");
        const r = this.exec.complete(code, Number(c.cursor_pos ?? code.length));
        this.out.reply(req, "complete_reply", {
          status: "ok",
          matches: r.matches,
          cursor_start: r.cursorStart,
          cursor_end: r.cursorEnd,
          metadata: {},
        });
        return;
      }
      case "inspect_request": {
        const code = String(c.code ?? "");
        const r = this.exec.inspect(
          code,
          Number(c.cursor_pos ?? code.length),
          Number(c.detail_level ?? 0),
        );
        this.out.reply(req, "inspect_reply", {
          status: "ok",
          found: r.found,
          data: r.data,
          metadata: {},
        });
        return;
      }
      case "history_request":
        this.out.reply(req, "history_reply", { status: "ok", history: this.history.query(c) });
        return;
      case "comm_info_request":
        this.out.reply(req, "comm_info_reply", { status: "ok", comms: {} });
        return;
      case "comm_open":
        // No comm targets are registered: close it, as ipykernel does for unknown targets.
        this.out.publish("comm_close", { comm_id: c.comm_id, data: {} }, req.header);
        return;
      case "interrupt_request":
        this.exec.interrupt();
        this.out.reply(req, "interrupt_reply", { status: "ok" });
        return;
      case "shutdown_request": {
        const restart = c.restart === true;
        this.out.reply(req, "shutdown_reply", { status: "ok", restart });
        this.out.publish("shutdown_reply", { status: "ok", restart }, req.header);
        this.hooks.onShutdown?.(restart);
        return;
      }
      default:
        // comm_msg, comm_close and unknown types need no reply.
        return;
    }
  }

  private kernelInfo(): Content {
    return {
      status: "ok",
      protocol_version: PROTOCOL_VERSION,
      implementation: "polytask",
      implementation_version: this.identity.implementationVersion,
      language_info: {
        name: "typescript",
        version: this.exec.languageVersion,
        mimetype: "text/typescript",
        file_extension: ".ts",
        pygments_lexer: "typescript",
        codemirror_mode: { name: "javascript", typescript: true, mode: "typescript" },
      },
      banner: this.identity.banner,
      help_links: [
        { text: "polytask kernel", url: "https://github.com/polytask/polytask/tree/main/kernel" },
      ],
      debugger: false,
    };
  }

  private async execute(req: Request): Promise<void> {
    const c = req.content;
    const code = String(c.code ?? "");
    const silent = c.silent === true;
    const store = !silent && c.store_history !== false;
    const started = new Date().toISOString();
    if (this.toAbort.delete(req.header.msg_id)) {
      // As ipykernel: no execution_count, so front ends leave the prompt empty ("[ ]").
      this.out.reply(req, "execute_reply", { status: "aborted" }, { started, status: "aborted" });
      return;
    }
    if (store) {
      this.count += 1;
      this.history.add(this.count, code);
    }
    const n = this.count;
    if (!silent) this.out.publish("execute_input", { code, execution_count: n }, req.header);
    this.parent = req.header;
    if (!silent) {
      this.cell = executingCell(req, n);
      try {
        this.hooks.cellStarted?.(this.cell);
      } catch (e) {
        this.hooks.log?.(`polytask kernel: cellStarted failed: ${(e as Error)?.stack ?? e}`);
      }
    }

    const pager = PAGER.exec(code);
    const payload: Content[] = [];
    let outcome: ExecuteOutcome;
    if (pager) {
      const found = this.exec.inspect(pager[1], pager[1].length, 1);
      if (found.found) payload.push({ source: "page", data: found.data, start: 0 });
      else this.stream("stdout", `Object \`${pager[1]}\` not found.\n`);
      outcome = { status: "ok" };
    } else {
      outcome = await this.exec.execute(code);
    }

    if (outcome.status === "ok") {
      if (outcome.result && !silent) {
        this.out.publish(
          "execute_result",
          { execution_count: n, data: outcome.result.data, metadata: outcome.result.metadata },
          req.header,
        );
        const text = outcome.result.data["text/plain"];
        if (store && typeof text === "string") this.history.setOutput(n, text);
      }
      const userExpressions = await this.userExpressions(c.user_expressions);
      this.out.reply(
        req,
        "execute_reply",
        { status: "ok", execution_count: n, payload, user_expressions: userExpressions },
        { started, status: "ok" },
      );
      return;
    }

    const err = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    if (!silent) this.out.publish("error", err, req.header);
    if (c.stop_on_error !== false) await this.abortQueued(req);
    this.out.reply(
      req,
      "execute_reply",
      { status: "error", execution_count: n, ...err },
      { started, status: "error" },
    );
  }

  /** Evaluates user_expressions after a successful cell (results are not published). */
  private async userExpressions(exprs: unknown): Promise<Content> {
    const out: Content = {};
    if (!exprs || typeof exprs !== "object") return out;
    for (const [name, expr] of Object.entries(exprs as Record<string, unknown>)) {
      const r = this.exec.evaluate
        ? await this.exec.evaluate(String(expr))
        : ({
            status: "error",
            ename: "NotSupported",
            evalue: "no evaluator",
            traceback: [],
          } as ExecuteOutcome);
      out[name] =
        r.status === "ok"
          ? {
              status: "ok",
              data: r.result?.data ?? { "text/plain": "undefined" },
              metadata: r.result?.metadata ?? {},
            }
          : { status: "error", ename: r.ename, evalue: r.evalue, traceback: r.traceback };
    }
    return out;
  }

  /**
   * stop_on_error: the execute requests of the same session that are already queued
   * when this one fails are answered "aborted" without running. Requests that arrive
   * after the error reply run normally (no time window).
   */
  private async abortQueued(failed: Request): Promise<void> {
    // Let the transport hand over messages that are already on the socket.
    await new Promise((resolve) => setImmediate(resolve));
    for (const q of this.queue) {
      if (q.header.msg_type === "execute_request" && q.header.session === failed.header.session) {
        this.toAbort.add(q.header.msg_id);
      }
    }
  }
}

function isControlOnly(msgType: string): boolean {
  return (
    msgType === "interrupt_request" ||
    msgType === "shutdown_request" ||
    msgType === "kernel_info_request"
  );
}

function executingCell(req: Request, execution: number): ExecutingCell {
  const md = req.metadata ?? {};
  const id = typeof md.cellId === "string" && md.cellId !== "" ? md.cellId : undefined;
  const deleted = Array.isArray(md.deletedCells)
    ? md.deletedCells.filter((d: unknown): d is string => typeof d === "string")
    : undefined;
  return { id, execution, ...(deleted && deleted.length > 0 ? { deleted } : {}) };
}

function errorReply(e: unknown): Content {
  const err = e as Error;
  return {
    status: "error",
    ename: err?.name ?? "Error",
    evalue: err?.message ?? String(e),
    traceback: String(err?.stack ?? e).split("\n"),
  };
}
