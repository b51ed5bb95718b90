/**
 * The kernel dies with its parent: when the process that started it (the Jupyter server,
 * nbclient, VS Code) goes away, the kernel exits instead of lingering as an orphan.
 * The parent is JPY_PARENT_PID (set by jupyter_client) or else the process's parent at
 * start; either dying, or the kernel being re-parented, ends the kernel.
 */
export function exitWithParent(exit: () => void, intervalMs = 500): void {
  const initialPpid = process.ppid;
  const jpy = Number(process.env.JPY_PARENT_PID) || undefined;
  const check = () => {
    if (process.ppid !== initialPpid || (jpy !== undefined && !alive(jpy))) exit();
  };
  check();
  setInterval(check, intervalMs).unref();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
