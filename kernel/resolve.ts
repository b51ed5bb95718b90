/**
 * How a notebook finds `polytask`. The package is located from the notebook's directory
 * (a node_modules install, or self-reference inside the polytask checkout) and falls back
 * to the package the kernel itself belongs to. The type checker (tslab's TypeScript, which
 * uses node10 resolution and so ignores `exports`) sees it as `<cwd>/node_modules/polytask`;
 * at run time `require("polytask")` from a cell returns the ES module namespace, loaded
 * with `import()` before the cell runs.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type * as TS from "typescript";

export interface PolytaskLocation {
  root: string;
  entry: string;
}

export function locatePolytask(cwd: string, kernelPackageRoot: string): PolytaskLocation {
  let root = kernelPackageRoot;
  try {
    root = dirname(
      createRequire(join(cwd, "__polytask_notebook__.js")).resolve("polytask/package.json"),
    );
  } catch {
    // not installed near the notebook: use the kernel's own package
  }
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const dot = typeof pkg.exports === "object" ? (pkg.exports["."] ?? pkg.exports) : undefined;
  const rel =
    (typeof dot === "string" ? dot : (dot?.import ?? dot?.default)) ?? pkg.main ?? "index.js";
  return { root, entry: join(root, rel) };
}

type Sys = TS.System;

/** Makes `<cwd>/node_modules/polytask/**` an alias of the package root for the type checker. */
export function aliasForTypeChecker(ts: typeof TS, cwd: string, root: string): void {
  const alias = join(cwd, "node_modules", "polytask");
  if (alias === root) return;
  const map = (p: string): string =>
    p === alias || p.startsWith(alias + sep) ? root + p.slice(alias.length) : p;
  const sys = ts.sys as Sys & Record<string, unknown>;
  const wrap = <K extends keyof Sys>(name: K) => {
    const orig = sys[name];
    if (typeof orig !== "function") return;
    (sys as Record<string, unknown>)[name] = (p: string, ...rest: unknown[]) =>
      (orig as (...a: unknown[]) => unknown).call(sys, typeof p === "string" ? map(p) : p, ...rest);
  };
  for (const name of [
    "fileExists",
    "readFile",
    "directoryExists",
    "getDirectories",
    "readDirectory",
    "realpath",
    "watchFile",
    "watchDirectory",
    "getModifiedTime",
  ] as const) {
    wrap(name);
  }
}

/** Loads polytask's ES module and makes `require("polytask")` in cells return it. */
export class PolytaskModule {
  private ns: unknown;

  constructor(private readonly loc: PolytaskLocation) {}

  /** True when the cell source refers to the package. */
  static mentionedIn(code: string): boolean {
    return /["']polytask["']/.test(code);
  }

  async load(): Promise<void> {
    this.ns ??= await import(pathToFileURL(this.loc.entry).href);
  }

  /** Wraps tslab's cell `require` (globalThis.__tslab__.require). */
  hookRequire(): void {
    const tslab = (globalThis as { __tslab__?: { require: NodeJS.Require } }).__tslab__;
    if (!tslab) throw new Error("tslab executor not initialised");
    const orig = tslab.require;
    const self = this;
    tslab.require = new Proxy(orig, {
      apply(target, thisArg, args: unknown[]) {
        if (args.length === 1 && args[0] === "polytask") {
          if (self.ns === undefined) self.ns = createRequire(self.loc.entry)(self.loc.entry);
          return self.ns;
        }
        return Reflect.apply(target, thisArg, args);
      },
    });
  }
}
