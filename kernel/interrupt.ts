/**
 * Interrupting asynchronous cells. Each cell runs inside an AsyncLocalStorage scope
 * holding its `CellRun`; the JavaScript a cell compiles to has every `await` wrapped as
 * `__polytask_ck__(await x)` (and each `for await` body starts with a check), so once the
 * cell is interrupted the next resumption throws `KernelInterrupt`. A loop that a cell
 * started stops even if it outlives the cell, and functions defined in an earlier cell
 * are checked against the cell that called them.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type * as TS from "typescript";

export const CHECK = "__polytask_ck__";

export class KernelInterrupt extends Error {
  constructor() {
    super("Execution interrupted");
    this.name = "KernelInterrupt";
  }
}

export interface CellRun {
  interrupted: boolean;
}

const store = new AsyncLocalStorage<CellRun>();

/** Runs `fn` (a cell) so that everything it starts belongs to `run`. */
export function runCell<T>(run: CellRun, fn: () => T): T {
  return store.run(run, fn);
}

/** The check called after every instrumented await. */
export function check<T>(value: T): T {
  if (store.getStore()?.interrupted) throw new KernelInterrupt();
  return value;
}

/** Makes `__polytask_ck__` visible to cell code (which runs in this context). */
export function installCheck(): void {
  Object.defineProperty(globalThis, CHECK, { value: check, configurable: true, enumerable: false });
}

/** Wraps the awaits of a compiled cell in interrupt checks. */
export function instrumentAwaits(ts: typeof TS, js: string): string {
  if (!js.includes("await")) return js;
  const sf = ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const f = ts.factory;
  const ck = (args: TS.Expression[]) =>
    f.createCallExpression(f.createIdentifier(CHECK), undefined, args);
  const transformer: TS.TransformerFactory<TS.SourceFile> = (ctx) => {
    const visit = (node: TS.Node): TS.Node => {
      if (ts.isAwaitExpression(node)) {
        return ck([ts.visitEachChild(node, visit, ctx)]);
      }
      if (ts.isForOfStatement(node) && node.awaitModifier) {
        const v = ts.visitEachChild(node, visit, ctx) as TS.ForOfStatement;
        const first = f.createExpressionStatement(ck([]));
        const body = ts.isBlock(v.statement)
          ? f.updateBlock(v.statement, [first, ...v.statement.statements])
          : f.createBlock([first, v.statement], true);
        return f.updateForOfStatement(v, v.awaitModifier, v.initializer, v.expression, body);
      }
      return ts.visitEachChild(node, visit, ctx);
    };
    return (root) => ts.visitNode(root, visit) as TS.SourceFile;
  };
  const result = ts.transform(sf, [transformer]);
  try {
    return ts.createPrinter({ newLine: ts.NewLineKind.LineFeed }).printFile(result.transformed[0]);
  } finally {
    result.dispose();
  }
}
