/**
 * is_complete: "incomplete" (with an indent) while brackets or a statement are open at the
 * end (tslab's rule), "invalid" when the code has a syntax error elsewhere, else "complete".
 */
import { createRequire } from "node:module";
import type * as Conv from "tslab/dist/converter.js";
import type * as TS from "typescript";
import type { IsComplete } from "./executor.js";

const tslabRequire = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
const { isCompleteCode } = tslabRequire("./dist/converter.js") as typeof Conv;

export function checkComplete(ts: typeof TS, code: string): IsComplete {
  if (code.trim() === "") return { status: "complete" };
  const r = isCompleteCode(code);
  if (!r.completed) return { status: "incomplete", indent: r.indent ?? "" };
  // Parse as a module, as cells are (top-level await allowed).
  const sf = ts.createSourceFile(
    "cell.ts",
    `export {};\n${code}`,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.TS,
  );
  const diags =
    (sf as unknown as { parseDiagnostics?: { messageText: unknown }[] }).parseDiagnostics ?? [];
  if (diags.length === 0) return { status: "complete" };
  // A template literal or block comment left open continues on the next line.
  if (
    diags.some((d) => /^Unterminated template literal|^'\*\/' expected/.test(String(d.messageText)))
  ) {
    return { status: "incomplete", indent: "" };
  }
  return { status: "invalid" };
}
