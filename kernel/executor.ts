/**
 * The code executor seam: what the message handler needs from the language side. The
 * real one wraps tslab (tslab-executor.ts); unit tests use a stub.
 */
import type { ErrorContent, MimeBundle } from "./protocol.js";

export type ExecuteOutcome =
  | { status: "ok"; result?: { data: MimeBundle; metadata: Record<string, unknown> } }
  | ({ status: "error" } & ErrorContent);

export interface Completion {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
}

export interface Inspection {
  found: boolean;
  data: MimeBundle;
}

export type IsComplete =
  | { status: "complete" | "invalid" | "unknown" }
  | { status: "incomplete"; indent: string };

export interface CodeExecutor {
  /** Language version (the TypeScript compiler that checks and emits the cells). */
  readonly languageVersion: string;
  execute(code: string): Promise<ExecuteOutcome>;
  /** Evaluates one user_expression (after a cell); its value comes back as `result`. */
  evaluate?(expression: string): Promise<ExecuteOutcome>;
  complete(code: string, cursorPos: number): Completion;
  inspect(code: string, cursorPos: number, detailLevel: number): Inspection;
  isComplete(code: string): IsComplete;
  /** Asks the running cell to stop (interrupt_request or SIGINT). */
  interrupt(): void;
  /** Optional warm-up (e.g. create the compiler) once the kernel is idle. */
  warmUp?(): void;
  close(): void;
}
