/**
 * The kernel dies with its parent: when the process that started it (the Jupyter server,
 * nbclient, VS Code) goes away, the kernel is re-parented and exits instead of lingering.
 */
export function exitWithParent(exit: () => void, intervalMs = 1000): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) exit();
  }, intervalMs);
  timer.unref();
}
