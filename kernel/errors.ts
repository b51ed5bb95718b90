/** Turns what a cell threw (or failed to compile) into the protocol's error content. */
import { inspect } from "node:util";
import type { ErrorContent } from "./protocol.js";

/** Stack frames of the kernel machinery, hidden from tracebacks. */
const INTERNAL =
  /node_modules[\\/]tslab[\\/]|\bnode:|[\\/]kernel[\\/][\w-]+\.(js|ts)|__polytask_ck__|sigintHandlersWrap/;

export function errorContent(e: unknown): ErrorContent {
  if (
    e instanceof Error ||
    (e !== null && typeof e === "object" && "message" in e && "stack" in e)
  ) {
    const err = e as Error;
    const ename = err.name || err.constructor?.name || "Error";
    const evalue = String(err.message ?? "");
    let stack = String(err.stack ?? `${ename}: ${evalue}`).split("\n");
    // Errors thrown by vm scripts carry a "file:line / source / ^" preamble: drop it.
    const head = stack.findIndex((l) => l.startsWith(`${ename}:`) || l === ename);
    if (head > 0) stack = stack.slice(head);
    const frames = stack.filter((line, i) => i === 0 || !INTERNAL.test(line));
    if (frames.length === 0 || !frames[0].includes(evalue)) frames.unshift(`${ename}: ${evalue}`);
    return { ename, evalue, traceback: frames };
  }
  const evalue = inspect(e);
  return { ename: "Thrown", evalue, traceback: [`Uncaught ${evalue}`] };
}

export function diagnosticsError(diagnostics: string[]): ErrorContent {
  return {
    ename: "TypeScriptError",
    evalue: diagnostics[0] ?? "compile error",
    traceback: diagnostics,
  };
}

export function interruptedError(): ErrorContent {
  return {
    ename: "KernelInterrupt",
    evalue: "Execution interrupted",
    traceback: ["KernelInterrupt: Execution interrupted"],
  };
}

/**
 * tslab's converter allows one pending TypeScript rebuild timer and throws "Unexpected pending
 * rebuildTimer" from TypeScript's file-watcher callback when a watched folder (a module-lookup
 * location such as a parent of the notebook folder) changes while a timer is pending, e.g. a
 * folder created beside the checkout during a long cell. The throw escapes as an uncaught
 * exception of the process, unrelated to the running cell; the kernel logs it instead of
 * printing it into that cell (the 05/06 tutorials' full runs got dozens of them).
 */
export function isTslabWatcherError(e: unknown): boolean {
  return (
    e instanceof Error &&
    e.message === "Unexpected pending rebuildTimer" &&
    /[\\/]tslab[\\/]dist[\\/]converter\.js/.test(e.stack ?? "")
  );
}
