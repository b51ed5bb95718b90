/** Test doubles for the kernel handler: a scripted executor and a recording transport. */
import type { CodeExecutor, ExecuteOutcome, IsComplete } from "../../kernel/executor.js";
import type { Content, Header, Outbound, Request } from "../../kernel/protocol.js";

export interface Sent {
  kind: "reply" | "publish";
  msgType: string;
  content: Content;
  parent?: string;
  channel?: string;
  metadata?: Content;
}

export class RecordingOutbound implements Outbound {
  readonly sent: Sent[] = [];
  reply(req: Request, msgType: string, content: Content, metadata?: Content): void {
    this.sent.push({
      kind: "reply",
      msgType,
      content,
      parent: req.header.msg_id,
      channel: req.channel,
      metadata,
    });
  }
  publish(msgType: string, content: Content, parent?: Header): void {
    this.sent.push({ kind: "publish", msgType, content, parent: parent?.msg_id });
  }
  of(msgId: string): Sent[] {
    return this.sent.filter((s) => s.parent === msgId);
  }
  types(msgId: string): string[] {
    return this.of(msgId).map((s) => `${s.kind === "reply" ? "reply:" : ""}${s.msgType}`);
  }
  replyTo(msgId: string): Sent {
    const r = this.sent.find((s) => s.parent === msgId && s.kind === "reply");
    if (!r) throw new Error(`no reply to ${msgId}`);
    return r;
  }
}

/** An executor whose outcome for each code string is scripted; `hold` makes it wait. */
export class StubExecutor implements CodeExecutor {
  readonly languageVersion = "5.0.4";
  readonly executed: string[] = [];
  interrupts = 0;
  private readonly held = new Map<string, (o: ExecuteOutcome) => void>();
  holdCodes = new Set<string>();

  async execute(code: string): Promise<ExecuteOutcome> {
    this.executed.push(code);
    if (this.holdCodes.has(code)) return new Promise((resolve) => this.held.set(code, resolve));
    if (code.startsWith("throw ")) {
      return {
        status: "error",
        ename: "Error",
        evalue: code.slice(6),
        traceback: [`Error: ${code.slice(6)}`],
      };
    }
    if (code.startsWith("value ")) {
      return { status: "ok", result: { data: { "text/plain": code.slice(6) }, metadata: {} } };
    }
    return { status: "ok" };
  }

  evaluate(expression: string): Promise<ExecuteOutcome> {
    return this.execute(expression);
  }

  release(code: string, outcome: ExecuteOutcome): void {
    const r = this.held.get(code);
    if (!r) throw new Error(`not held: ${code}`);
    this.held.delete(code);
    r(outcome);
  }

  complete(code: string, cursorPos: number) {
    return {
      matches: ["max", "min"],
      cursorStart: Math.max(0, cursorPos - 1),
      cursorEnd: cursorPos,
    };
  }

  inspect(code: string) {
    return code === "Math.max"
      ? { found: true, data: { "text/plain": "(method) Math.max(...values: number[]): number" } }
      : { found: false, data: {} };
  }

  isComplete(code: string): IsComplete {
    return code.endsWith("{") ? { status: "incomplete", indent: "  " } : { status: "complete" };
  }

  interrupt(): void {
    this.interrupts += 1;
  }

  close(): void {}
}

let seq = 0;

export function request(
  msgType: string,
  content: Content = {},
  opts: { channel?: "shell" | "control"; session?: string; metadata?: Content } = {},
): Request {
  seq += 1;
  return {
    channel: opts.channel ?? "shell",
    header: {
      msg_id: `m${seq}`,
      session: opts.session ?? "s1",
      username: "test",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: "5.3",
    },
    parent_header: {},
    metadata: opts.metadata ?? {},
    content,
  };
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
