/**
 * Process helpers for `polytask native setup`: run a command, capture its output, and turn a
 * failure into a `BackendError` that names the setup step, the command and its last output.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { BackendError } from "../../errors.js";

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs `cmd args` and returns its exit status and output (never throws for a non-zero exit). */
export function run(cmd: string, args: string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: opts.timeoutMs,
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return { status: code === "ENOENT" ? 127 : -1, stdout: "", stderr: r.error.message };
  }
  return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** The last `n` non-empty lines of a command's output, for error messages. */
export function tail(text: string, n = 15): string {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-n)
    .join("\n");
}

/** A failed setup step: names the step, says what went wrong and what to do. */
export function stepError(step: string, message: string, cause?: unknown): BackendError {
  return new BackendError(`native setup, step "${step}": ${message}`, {
    field: step,
    cause,
  });
}

/** Runs a command that must succeed; otherwise throws a `stepError` with its output tail. */
export function mustRun(
  step: string,
  cmd: string,
  args: string[],
  opts: RunOptions & { hint?: string } = {},
): RunResult {
  const r = run(cmd, args, opts);
  if (r.status !== 0) {
    const what = r.status === 127 ? "was not found" : `exited with status ${r.status}`;
    const out = tail(`${r.stdout}\n${r.stderr}`);
    throw stepError(
      step,
      `\`${[cmd, ...args].join(" ")}\` ${what}.${opts.hint ? ` ${opts.hint}` : ""}` +
        (out ? `\n--- last output ---\n${out}` : ""),
    );
  }
  return r;
}

/** The first of `names` found on PATH (or given as a path), else undefined. */
export function which(names: string[]): string | undefined {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const name of names) {
    if (name.includes("/")) {
      if (existsSync(name)) return name;
      continue;
    }
    for (const dir of dirs) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}
