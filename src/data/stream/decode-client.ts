/**
 * DecodeWorker: reads and decodes a table's row groups in a worker thread (node:worker_threads,
 * entry decode-worker.ts), so that the main thread, which runs the training step, only copies
 * decoded rows into the shuffle buffer. Jobs are answered in any order by id; the decoded
 * arrays arrive transferred (no copy). The worker keeps the process alive only while a job is
 * pending. If the worker cannot start or dies, pending and later jobs run on the calling thread
 * instead (the same read, so the same rows), after one warning; a decode error (a bad value)
 * comes back as the same typed error.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ConfigError, DataError, type PolytaskErrorDetails } from "../../errors.js";
import type { RowBlock, TableSpec } from "./parquet-decode.js";
import type { RowGroupJob } from "./parquet-read.js";

type Fallback = (job: RowGroupJob) => Promise<RowBlock>;

interface Pending {
  readonly job: RowGroupJob;
  resolve(b: RowBlock): void;
  reject(e: unknown): void;
}

/**
 * A worker running decode-worker next to this file: the built .js directly; from TypeScript
 * sources (tsx, in development and tests) through a bootstrap that registers tsx's loader in the
 * worker first (a worker does not inherit it from `--import tsx`).
 */
function spawn(spec: TableSpec): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./decode-worker${ext}`, import.meta.url);
  if (ext !== ".ts") return new Worker(entry, { workerData: { spec } });
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData: { spec } });
}

let warned = false;

function rebuild(e: Record<string, unknown>): Error {
  const details = e as PolytaskErrorDetails;
  const message = String(e.message);
  if (e.name === "DataError") return new DataError(message, details);
  if (e.name === "ConfigError") return new ConfigError(message, details);
  return new Error(message);
}

export class DecodeWorker {
  private worker?: Worker;
  /** "gone": the worker failed or was stopped; jobs then run on the calling thread. */
  private state: "unstarted" | "running" | "gone" = "unstarted";
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** Row groups decoded by the worker, and on the calling thread instead. */
  readonly counts = { worker: 0, main: 0 };

  private constructor(
    private readonly spec: TableSpec,
    private readonly fallback: Fallback,
  ) {}

  /** A worker for `spec`'s table, started at the first read; `fallback` decodes on this thread. */
  static start(spec: TableSpec, fallback: Fallback): DecodeWorker {
    return new DecodeWorker(spec, fallback);
  }

  private launch(): Worker | undefined {
    this.state = "running";
    let w: Worker;
    try {
      w = spawn(this.spec);
    } catch (e) {
      this.fail(e);
      return undefined;
    }
    this.worker = w;
    // held only while a job is pending (an idle worker must not keep the process alive; the
    // unref before 'online' does not always take, hence again once it is up)
    const idle = () => {
      if (this.pending.size === 0) w.unref();
    };
    w.on("online", idle);
    w.on("message", (m: { id: number; block?: RowBlock; error?: Record<string, unknown> }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      idle();
      if (m.error) return p.reject(rebuild(m.error));
      this.counts.worker++;
      p.resolve(m.block as RowBlock);
    });
    w.on("error", (e) => this.fail(e));
    w.on("exit", (code) => {
      if (this.worker === w) this.fail(new Error(`the decode worker exited with code ${code}`));
    });
    return w;
  }

  read(job: RowGroupJob): Promise<RowBlock> {
    const w = this.state === "unstarted" ? this.launch() : this.worker;
    if (!w) return this.here(job);
    return new Promise<RowBlock>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { job, resolve, reject });
      w.ref();
      w.postMessage({ id, job });
    });
  }

  /** Runs the pending jobs on this thread (the worker is gone). */
  private drain(): void {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const p of jobs) this.here(p.job).then(p.resolve, p.reject);
  }

  private here(job: RowGroupJob): Promise<RowBlock> {
    this.counts.main++;
    return this.fallback(job);
  }

  /** The worker is gone: its jobs (and later ones) run on this thread. */
  private fail(e: unknown): void {
    this.worker = undefined;
    this.state = "gone";
    if (!warned) {
      warned = true;
      console.warn(
        `polytask: dataset "${this.spec.name}": row groups are decoded on the main thread (the decode worker is unavailable: ${(e as Error)?.message ?? e}).`,
      );
    }
    this.drain();
  }

  /** Stops the worker; a job still pending is finished on this thread. */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.state = "gone";
    this.drain();
    if (w) await w.terminate();
  }
}
