/**
 * The CodeExecutor built on tslab's TypeScript executor (type checking across cells,
 * top-level await, completions, quick info). What tslab prints to its console is turned
 * into protocol results: the last expression becomes an execute_result bundle, thrown
 * values and compile diagnostics become ename/evalue/traceback.
 */
import { createRequire } from "node:module";
import type { Converter } from "tslab/dist/converter.js";
import type * as Conv from "tslab/dist/converter.js";
import type { ConverterSet, Executor } from "tslab/dist/executor.js";
import type * as Exec from "tslab/dist/executor.js";
import type * as TS from "typescript";
import { diagnosticsError, errorContent, interruptedError } from "./errors.js";
import type {
  CodeExecutor,
  Completion,
  ExecuteOutcome,
  Inspection,
  IsComplete,
} from "./executor.js";
import { type ListeningTarget, installInterruptTarget } from "./interrupt-target.js";
import { CHECK, type CellRun, installCheck, instrumentAwaits, runCell } from "./interrupt.js";
import { checkComplete } from "./is-complete.js";
import { PolytaskModule, aliasForTypeChecker, locatePolytask } from "./resolve.js";
import { resultBundle } from "./result.js";
import { expandShorthand } from "./shorthand.js";

const require = createRequire(import.meta.url);
const tslabRequire = createRequire(require.resolve("tslab/package.json"));
const ts = tslabRequire("@tslab/typescript-for-tslab") as typeof TS;
const { createConverter } = tslabRequire("./dist/converter.js") as typeof Conv;
const { createExecutor } = tslabRequire("./dist/executor.js") as typeof Exec;
const { printQuickInfo } = tslabRequire("./dist/inspect.js") as {
  printQuickInfo(i: unknown): string;
};

const DIAG_FORMAT = "%s%d:%d - %s";

export interface TslabExecutorOptions {
  cwd: string;
  /** The polytask package the kernel belongs to (fallback for notebooks elsewhere). */
  kernelPackageRoot: string;
  /**
   * After an interrupt that a listener (a running fit) takes over, how long the cell may
   * take to stop by itself before its awaits throw; the same period again later, a cell
   * still awaiting something that never settles is abandoned. Default 3000 ms.
   */
  interruptGraceMs?: number;
}

interface Capture {
  value?: { v: unknown };
  errors: unknown[];
  diagnostics: string[];
}

export class TslabExecutor implements CodeExecutor {
  readonly languageVersion = ts.version;
  private readonly convs: ConverterSet;
  private readonly inner: Executor;
  private readonly polytask: PolytaskModule;
  private capture: Capture = { errors: [], diagnostics: [] };
  private run: CellRun | undefined;
  private readonly graceMs: number;
  private readonly target: ListeningTarget;
  private warmed = false;
  private warmTimer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(opts: TslabExecutorOptions) {
    this.graceMs = opts.interruptGraceMs ?? 3000;
    this.target = installInterruptTarget();
    const loc = locatePolytask(opts.cwd, opts.kernelPackageRoot);
    aliasForTypeChecker(ts, opts.cwd, loc.root);
    this.polytask = new PolytaskModule(loc);
    this.convs = lazyConverters();
    installCheck();
    this.inner = createExecutor(opts.cwd, this.convs, {
      log: (v: unknown) => {
        this.capture.value = { v };
      },
      error: (...args: unknown[]) => {
        if (args[0] === DIAG_FORMAT)
          this.capture.diagnostics.push(`${args[1]}${args[2]}:${args[3]} - ${args[4]}`);
        else this.capture.errors.push(args[0]);
      },
    });
    this.polytask.hookRequire();
  }

  /**
   * After the first kernel_info reply has gone out: create the compiler, load polytask's
   * declarations into it (by checking a throw-away import cell) and import the package,
   * so that the first `import * as pt from "polytask"` cell is fast. Runs once.
   */
  warmUp(): void {
    if (this.warmed) return;
    // Debounced: clients repeat kernel_info until iopub is connected; start once they stop.
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.warmTimer = setTimeout(() => this.runWarmUp(), 500).unref();
  }

  private runWarmUp(): void {
    if (this.warmed) return;
    this.warmed = true;
    // Steps leave the event loop free in between for control messages; the polytask ones
    // are skipped once a cell has started (they would only compete with it).
    const steps = [
      () => this.convs.node,
      () => this.convs.node.convert("", 'import * as pt from "polytask";\npt;'),
      () => void this.polytask.load().catch(() => {}),
    ];
    const next = () => {
      const step = steps.shift();
      if (!step || (this.started && steps.length < 2)) return;
      try {
        step();
      } catch {
        // warm-up is best effort; the real cell reports problems
      }
      setTimeout(next, 20).unref();
    };
    next();
  }

  async execute(code: string): Promise<ExecuteOutcome> {
    const run: CellRun = { interrupted: false };
    this.run = run;
    this.started = true;
    this.capture = { errors: [], diagnostics: [] };
    try {
      if (PolytaskModule.mentionedIn(code)) await this.polytask.load();
      const ok = await runCell(run, () => this.inner.execute(code));
      const cap = this.capture;
      if (ok) return { status: "ok", result: cap.value ? resultBundle(cap.value.v) : undefined };
      if (run.interrupted || cap.errors.some(isSigintBreak))
        return { status: "error", ...interruptedError() };
      if (cap.diagnostics.length > 0)
        return { status: "error", ...diagnosticsError(cap.diagnostics) };
      return { status: "error", ...errorContent(cap.errors[0]) };
    } catch (e) {
      return { status: "error", ...(run.interrupted ? interruptedError() : errorContent(e)) };
    } finally {
      if (this.run === run) this.run = undefined;
    }
  }

  evaluate(expression: string): Promise<ExecuteOutcome> {
    return this.execute(expression);
  }

  interrupt(): void {
    const run = this.run;
    if (!run) return;
    const cooperative = this.target.interrupt();
    if (!cooperative) run.interrupted = true;
    const later = (fn: () => void, ms: number) => setTimeout(fn, ms).unref();
    later(
      () => {
        if (this.run !== run) return;
        run.interrupted = true;
        later(() => {
          if (this.run === run) this.inner.interrupt();
        }, this.graceMs);
      },
      cooperative ? this.graceMs : 0,
    );
  }

  complete(code: string, cursorPos: number): Completion {
    const info = this.inner.complete(code, cursorPos);
    return { matches: info.candidates, cursorStart: info.start, cursorEnd: info.end };
  }

  inspect(code: string, cursorPos: number, _detail: number): Inspection {
    const info = this.inner.inspect(code, cursorPos);
    if (!info) return { found: false, data: {} };
    return { found: true, data: { "text/plain": printQuickInfo(info) } };
  }

  isComplete(code: string): IsComplete {
    return checkComplete(ts, code);
  }

  close(): void {
    this.inner.close();
  }
}

/** tslab's converters, created on first use, with awaits instrumented for interrupts. */
function lazyConverters(): ConverterSet {
  let node: Converter | undefined;
  let browser: Converter | undefined;
  return {
    get node(): Converter {
      if (!node) {
        const base = createConverter({ isJS: false, isBrowser: false });
        node = {
          ...base,
          convert(prevDecl: string, src: string) {
            const r = base.convert(prevDecl, expandShorthand(ts, src));
            if (r.output) r.output = instrumentAwaits(ts, r.output);
            return r;
          },
        };
      }
      return node;
    },
    get browser(): Converter {
      browser ??= createConverter({ isJS: false, isBrowser: true });
      return browser;
    },
    close() {
      node?.close();
      browser?.close();
    },
  };
}

function isSigintBreak(e: unknown): boolean {
  return e instanceof Error && /interrupted by `?SIGINT/.test(e.message);
}

export { CHECK };
