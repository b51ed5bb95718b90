/**
 * The kernel's interrupt target (installed under the global symbol that
 * src/notebook/host.ts's `interruptTarget()` reads). It knows whether anyone is listening,
 * so the kernel can tell a cooperative stop (a running `fit` listens and stops at a step
 * boundary, returning its Run) from a plain loop that must be stopped by the kernel.
 */
const KEY = Symbol.for("polytask.interruptTarget");

export class ListeningTarget extends EventTarget {
  private readonly listeners = new Set<unknown>();

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: AddEventListenerOptions | boolean,
  ): void {
    if (type === "interrupt" && listener) this.listeners.add(listener);
    super.addEventListener(type, listener, options);
  }

  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: EventListenerOptions | boolean,
  ): void {
    if (type === "interrupt") this.listeners.delete(listener);
    super.removeEventListener(type, listener, options);
  }

  /** Dispatches a cancelable "interrupt"; true when a listener will stop cooperatively. */
  interrupt(): boolean {
    const ev = new Event("interrupt", { cancelable: true });
    const notPrevented = this.dispatchEvent(ev);
    return !notPrevented || this.listeners.size > 0;
  }
}

/** Installs the kernel's target (once) and returns it. */
export function installInterruptTarget(): ListeningTarget {
  const g = globalThis as typeof globalThis & { [KEY]?: EventTarget };
  const existing = g[KEY];
  if (existing instanceof ListeningTarget) return existing;
  const target = new ListeningTarget();
  g[KEY] = target;
  return target;
}
