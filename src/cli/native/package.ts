/**
 * The npm side of `polytask native setup`: the small runtime dependencies tfjs-node needs, and
 * the real tfjs-node(-gpu) tarball, fetched with `npm pack` (which never runs install scripts)
 * and extracted into the managed folder. tfjs-node's own `@tensorflow/tfjs` dependency is left
 * out on purpose, so it resolves polytask's copy and one tfjs-core serves the whole process.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { NativePackage } from "../../backend/native.js";
import { mustRun, stepError } from "./exec.js";

export const TFJS_NODE_VERSION = "4.22.0";

/** tfjs-node 4.22.0's dependencies minus @tensorflow/tfjs (same ranges as its package.json). */
const RUNTIME_DEPS: Record<string, string> = {
  "@mapbox/node-pre-gyp": "1.0.9",
  "adm-zip": "^0.5.2",
  "google-protobuf": "^3.9.2",
  "https-proxy-agent": "^2.2.1",
  progress: "^2.0.0",
  rimraf: "^2.6.2",
  tar: "^6.2.1",
};
const NODE_GYP_VERSION = "12.4.0";

function installed(dir: string, deps: Record<string, string>): boolean {
  return Object.keys(deps).every((d) => existsSync(join(dir, "node_modules", d, "package.json")));
}

/**
 * Installs tfjs-node's runtime dependencies (and node-gyp when npm has none bundled) into
 * `dir/node_modules` without running any install script. Returns false when already there.
 */
export function installRuntimeDeps(dir: string, withNodeGyp: boolean): boolean {
  const step = "npm dependencies";
  const deps = withNodeGyp ? { ...RUNTIME_DEPS, "node-gyp": NODE_GYP_VERSION } : RUNTIME_DEPS;
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: "polytask-native",
    private: true,
    description: "Managed by `polytask native setup`; safe to delete.",
    dependencies: deps,
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  if (installed(dir, deps)) return false;
  mustRun(
    step,
    "npm",
    ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock"],
    { cwd: dir, hint: "Is the npm registry reachable?" },
  );
  if (!installed(dir, deps))
    throw stepError(step, `npm install left out some of ${Object.keys(deps)}`);
  return true;
}

/** Reads a package.json's name and version, or undefined. */
function readPkg(dir: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Fetches `pkg@4.22.0` with `npm pack` into `dir/cache` and extracts it to `target`.
 * Returns false when `target` already holds that exact package.
 */
export function fetchPackage(dir: string, pkg: NativePackage, target: string): boolean {
  const step = "fetch tfjs-node";
  const have = readPkg(target);
  if (have?.name === pkg && have.version === TFJS_NODE_VERSION) return false;
  const cache = join(dir, "cache");
  mkdirSync(cache, { recursive: true });
  const tgz = `${pkg.replace("@", "").replace("/", "-")}-${TFJS_NODE_VERSION}.tgz`;
  if (!existsSync(join(cache, tgz))) {
    mustRun(step, "npm", ["pack", `${pkg}@${TFJS_NODE_VERSION}`, "--pack-destination", cache], {
      cwd: cache,
      hint: "Is the npm registry reachable?",
    });
  }
  if (!existsSync(join(cache, tgz))) {
    throw stepError(
      step,
      `npm pack did not write ${tgz} (found: ${readdirSync(cache).join(", ")})`,
    );
  }
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  mustRun(step, "tar", ["xzf", join(cache, tgz), "-C", target, "--strip-components=1"]);
  const got = readPkg(target);
  if (got?.name !== pkg || got.version !== TFJS_NODE_VERSION) {
    throw stepError(step, `the tarball holds ${got?.name}@${got?.version}, expected ${pkg}`);
  }
  return true;
}
