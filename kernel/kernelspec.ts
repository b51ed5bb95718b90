/**
 * The kernelspec: `kernel.json` for kernel name `polytask`, with absolute paths to this
 * node binary and to the built kernel entry, written where Jupyter looks for kernels, and the
 * kernel's logo (logo-32x32.png, logo-64x64.png, logo-svg.svg from kernel/logo/; the PNGs are
 * the SVG rendered by Chromium) that launchers and notebook headers show.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "../src/errors.js";

export const KERNEL_NAME = "polytask";
export const DISPLAY_NAME = "TypeScript (polytask)";
export const LOGO_FILES = ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"] as const;

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal" | "message";
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

export function kernelSpec(packageRoot: string, nodePath = process.execPath): KernelSpec {
  return {
    argv: [nodePath, join(packageRoot, "dist", "kernel", "main.js"), "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    env: {},
    metadata: { debugger: false, polytask: { packageRoot } },
  };
}

/** Jupyter's per-user data directory (jupyter_core's rules for JUPYTER_DATA_DIR and XDG). */
export function userDataDir(env = process.env, platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (platform === "win32")
    return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "jupyter");
  return join(env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter");
}

export interface InstallTarget {
  user?: boolean;
  prefix?: string;
}

/** The kernels directory for a target: `--prefix DIR` or the user's data dir (default). */
export function kernelsDir(target: InstallTarget): string {
  if (target.prefix) return join(resolve(target.prefix), "share", "jupyter", "kernels");
  return join(userDataDir(), "kernels");
}

/** Writes kernel.json (atomically) and returns the kernelspec directory. */
export function installKernelSpec(packageRoot: string, target: InstallTarget): string {
  const spec = kernelSpec(packageRoot);
  if (!existsSync(spec.argv[1])) {
    throw new ConfigError(
      `The polytask kernel is not built: ${spec.argv[1]} is missing. Run \`npx tsc -p .\` in ${packageRoot} first.`,
      { field: "kernel", value: spec.argv[1], expected: "a built dist/kernel/main.js" },
    );
  }
  const dir = join(kernelsDir(target), KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.kernel.json.${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(spec, null, 2)}\n`);
  renameSync(tmp, join(dir, "kernel.json"));
  for (const f of LOGO_FILES) {
    const from = join(packageRoot, "kernel", "logo", f);
    if (existsSync(from)) copyFileSync(from, join(dir, f));
  }
  return dir;
}
