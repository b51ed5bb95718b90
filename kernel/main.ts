/**
 * The polytask kernel process: `node dist/kernel/main.js <connection_file>`.
 * Started by Jupyter through the kernelspec that `polytask kernel install` writes.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { currentHost } from "../src/notebook/host.js";
import { cellStarted } from "../src/notebook/loader.js";
import { isTslabWatcherError } from "./errors.js";
import { KernelHandler } from "./handler.js";
import { KernelInterrupt } from "./interrupt.js";
import { connectIo } from "./io.js";
import { packageRoot } from "./package-root.js";
import { exitWithParent } from "./parent.js";
import { ZmqTransport, readConnectionFile } from "./transport.js";
import { TslabExecutor } from "./tslab-executor.js";

function connectionFileArg(argv: string[]): string {
  const i = argv.findIndex((a) => a === "-f" || a === "--connection-file");
  const file = i >= 0 ? argv[i + 1] : argv.find((a) => !a.startsWith("-"));
  if (!file) throw new Error("usage: polytask-kernel <connection_file>");
  return file;
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const conn = readConnectionFile(connectionFileArg(argv));
  const root = packageRoot(dirname(fileURLToPath(import.meta.url)));
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version as string;
  let log = (m: string): void => void process.stderr.write(`${m}\n`);
  const transport = new ZmqTransport(conn, (m) => log(m));
  const executor = new TslabExecutor({ cwd: process.cwd(), kernelPackageRoot: root });
  const handler = new KernelHandler(
    executor,
    transport,
    {
      implementationVersion: version,
      banner: `polytask ${version}: TypeScript with tslab ${executor.languageVersion}`,
    },
    {
      onShutdown: () => void shutdown(0),
      log: (m) => log(m),
      // plotly.js's loader output follows its cell through re-runs and deletions (loader.ts).
      cellStarted: (cell) => {
        const host = currentHost();
        if (host) cellStarted(host, cell);
      },
    },
  );
  log = connectIo(handler).log;

  async function shutdown(code: number): Promise<void> {
    await transport.flush();
    executor.close();
    transport.close();
    process.exit(code);
  }

  process.on("SIGINT", () => executor.interrupt());
  process.on("SIGTERM", () => void shutdown(0));
  process.on("uncaughtException", (e) => {
    if (e instanceof KernelInterrupt) return;
    if (isTslabWatcherError(e)) {
      log(`ignored tslab watcher error (a watched folder changed during a cell): ${e}`);
      return;
    }
    console.error("Uncaught exception:", e);
  });
  process.on("unhandledRejection", (e) => {
    if (!(e instanceof KernelInterrupt)) console.error("Unhandled promise rejection:", e);
  });
  exitWithParent(() => void shutdown(0));

  await transport.bind((req) => handler.receive(req));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(`polytask kernel failed to start: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
