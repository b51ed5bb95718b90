/**
 * Stop requests for a running fit: an AbortSignal, SIGINT (Ctrl-C) and the kernel's
 * "interrupt" event on `interruptTarget()`. The loop polls `requested` at step boundaries.
 */
const INTERRUPT = Symbol.for("polytask.interruptTarget");

/**
 * The process-wide target on which a kernel dispatches "interrupt" events (shared through a
 * registered symbol on `globalThis`, so the kernel's copy of polytask and the notebook's agree).
 */
export function interruptTarget(): EventTarget {
  const g = globalThis as typeof globalThis & { [INTERRUPT]?: EventTarget };
  g[INTERRUPT] ??= new EventTarget();
  return g[INTERRUPT];
}

export class StopController {
  requested: string | undefined;
  private readonly cleanup: (() => void)[] = [];

  constructor(signal?: AbortSignal, handleSigint = true) {
    const stop = (why: string) => () => {
      this.requested ??= why;
    };
    if (signal) {
      if (signal.aborted) this.requested = "aborted";
      const h = stop("aborted");
      signal.addEventListener("abort", h);
      this.cleanup.push(() => signal.removeEventListener("abort", h));
    }
    if (handleSigint) {
      const h = stop("SIGINT");
      process.on("SIGINT", h);
      this.cleanup.push(() => process.off("SIGINT", h));
    }
    const target = interruptTarget();
    const h = stop("interrupt");
    target.addEventListener("interrupt", h);
    this.cleanup.push(() => target.removeEventListener("interrupt", h));
  }

  dispose(): void {
    for (const c of this.cleanup) c();
    this.cleanup.length = 0;
  }
}

/** Lets the event loop run (displays refresh, signals arrive) between steps. */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => setImmediate(resolve));
