/**
 * `polytask kernel install [--user | --prefix DIR]`: writes the Jupyter kernelspec of the
 * polytask kernel (see kernel/README.md).
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { installKernelSpec } from "../../kernel/kernelspec.js";
import { packageRoot } from "../../kernel/package-root.js";
import { ConfigError } from "../errors.js";

const USAGE = "usage: polytask kernel install [--user | --prefix DIR]";

export function parseKernelInstallArgs(args: string[]): { user?: boolean; prefix?: string } {
  const out: { user?: boolean; prefix?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "install" && i === 0) continue;
    if (a === "--user") out.user = true;
    else if (a === "--prefix" || a.startsWith("--prefix=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (!v)
        throw new ConfigError(`--prefix needs a directory. ${USAGE}`, {
          field: "--prefix",
          expected: "a directory",
        });
      out.prefix = v;
    } else {
      throw new ConfigError(`Unknown argument "${a}". ${USAGE}`, {
        field: "kernel",
        value: a,
        expected: USAGE,
      });
    }
  }
  if (out.user && out.prefix) {
    throw new ConfigError(`--user and --prefix exclude each other. ${USAGE}`, {
      field: "--prefix",
      value: out.prefix,
    });
  }
  return out;
}

/** Runs `polytask kernel install ...` (args after `kernel`, `install` optional). */
export async function kernelInstall(args: string[]): Promise<string> {
  const target = parseKernelInstallArgs(args);
  const dir = installKernelSpec(packageRoot(dirname(fileURLToPath(import.meta.url))), target);
  console.log(`Installed kernelspec "polytask" (TypeScript (polytask)) in ${dir}`);
  return dir;
}
