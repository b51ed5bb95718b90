/**
 * Stages the TensorFlow wheel where tfjs-node's binding.gyp looks (deps/include, deps/lib with
 * `libtensorflow.so` -> the wheel's `libtensorflow_cc.so.2`), builds the addon with node-gyp
 * against the local Node headers, and checks that every TF_/TFE_ symbol the built addon imports
 * is exported by the wheel's libraries.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative } from "node:path";
import { EAGER_HEADER, EAGER_HEADER_PATH } from "./eager-header.js";
import { mustRun, run, stepError, tail } from "./exec.js";
import type { Wheel } from "./python.js";
import type { Toolchain } from "./toolchain.js";

function link(target: string, path: string): void {
  rmSync(path, { recursive: true, force: true });
  symlinkSync(relative(dirname(path), target), path);
}

export interface Staged {
  /** Extra compiler flags (the eager header stand-in, when the wheel lacks it). */
  cppflags: string;
  /** Whether polytask had to write eager/c_api.h itself. */
  wroteEagerHeader: boolean;
}

/** Links the wheel's headers and libraries into `<pkgDir>/deps`. Cheap; always redone. */
export function stageWheel(pkgDir: string, wheel: Wheel): Staged {
  const step = "stage libtensorflow";
  const include = join(wheel.tfDir, "include");
  const cc = join(wheel.tfDir, "libtensorflow_cc.so.2");
  const fw = join(wheel.tfDir, "libtensorflow_framework.so.2");
  for (const [what, p] of [
    ["C API header tensorflow/c/c_api.h", join(include, "tensorflow", "c", "c_api.h")],
    ["libtensorflow_cc.so.2", cc],
    ["libtensorflow_framework.so.2", fw],
  ]) {
    if (!existsSync(p))
      throw stepError(step, `the ${wheel.dist} ${wheel.version} wheel has no ${what} (${p})`);
  }
  const deps = join(pkgDir, "deps");
  mkdirSync(join(deps, "lib"), { recursive: true });
  link(include, join(deps, "include"));
  link(cc, join(deps, "lib", "libtensorflow_cc.so.2"));
  link(cc, join(deps, "lib", "libtensorflow.so.2"));
  link(join(deps, "lib", "libtensorflow_cc.so.2"), join(deps, "lib", "libtensorflow.so"));
  link(fw, join(deps, "lib", "libtensorflow_framework.so.2"));
  link(
    join(deps, "lib", "libtensorflow_framework.so.2"),
    join(deps, "lib", "libtensorflow_framework.so"),
  );
  linkCudaLibraries(wheel.sitePackages, deps);
  const compat = join(deps, "compat-include");
  rmSync(compat, { recursive: true, force: true });
  if (existsSync(join(include, EAGER_HEADER_PATH)))
    return { cppflags: "", wroteEagerHeader: false };
  const header = join(compat, EAGER_HEADER_PATH);
  mkdirSync(dirname(header), { recursive: true });
  writeFileSync(header, EAGER_HEADER);
  return { cppflags: `-I${compat}`, wroteEagerHeader: true };
}

/**
 * GPU wheels: TensorFlow dlopens CUDA (libcudart, cuDNN, cuBLAS...) from the nvidia-* wheels.
 * Link `deps/nvidia` (for `$ORIGIN/../nvidia/...` run paths) and every `nvidia/<x>/lib/*.so*`
 * into `deps/lib` (on the run path of the addon and of the linked TensorFlow libraries), so
 * they are found without LD_LIBRARY_PATH. Returns how many libraries were linked.
 */
export function linkCudaLibraries(sitePackages: string, deps: string): number {
  const nvidia = join(sitePackages, "nvidia");
  if (!existsSync(nvidia)) return 0;
  link(nvidia, join(deps, "nvidia"));
  let n = 0;
  for (const pkg of readdirSync(nvidia)) {
    const lib = join(nvidia, pkg, "lib");
    if (!existsSync(lib)) continue;
    for (const f of readdirSync(lib)) {
      if (!/\.so(\.|$)/.test(f)) continue;
      link(join(lib, f), join(deps, "lib", f));
      n++;
    }
  }
  return n;
}

/** N-API version node-pre-gyp will look under: the highest the package lists that Node has. */
export function napiVersion(pkgDir: string): number {
  const pj = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const have = Number(process.versions.napi);
  const listed: number[] = pj.binary?.napi_versions ?? [];
  const best = Math.max(...listed.filter((v) => v <= have));
  if (!Number.isFinite(best)) {
    throw stepError(
      "build addon",
      `Node ${process.version} has N-API ${have}; the package needs one of ${listed}`,
    );
  }
  return best;
}

export function addonPath(pkgDir: string): string {
  return join(pkgDir, "lib", `napi-v${napiVersion(pkgDir)}`, "tfjs_binding.node");
}

/**
 * Builds tfjs_binding.node with node-gyp. Skipped (returns false) when it was already built
 * against the same wheel, unless `force`.
 */
export function buildAddon(
  pkgDir: string,
  wheel: Wheel,
  tools: Toolchain,
  nodeGyp: string,
  staged: Staged,
  opts: { force: boolean; logFile: string },
): boolean {
  const step = "build addon";
  const stampFile = join(pkgDir, "deps", "polytask-build-stamp");
  const stamp = `${wheel.dist}==${wheel.version} node-${process.version}`;
  const out = addonPath(pkgDir);
  const stampOk = existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp;
  if (!opts.force && stampOk && existsSync(out)) return false;
  rmSync(stampFile, { force: true });
  const args = [
    nodeGyp,
    "rebuild",
    `--nodedir=${tools.nodeDir}`,
    `--python=${tools.python}`,
    "--module_name=tfjs_binding",
    `--module_path=${dirname(out)}`,
    `--napi_build_version=${napiVersion(pkgDir)}`,
    `--jobs=${Math.min(availableParallelism(), 4)}`,
  ];
  const env = {
    ...process.env,
    CXX: tools.cxx,
    CPPFLAGS: `${process.env.CPPFLAGS ?? ""} ${staged.cppflags}`.trim(),
  };
  const r = run(process.execPath, args, { cwd: pkgDir, env });
  const log = opts.logFile;
  writeFileSync(log, `${r.stdout}\n${r.stderr}`);
  if (r.status !== 0 || !existsSync(out)) {
    const all = `${r.stdout}\n${r.stderr}`;
    const missing = /fatal error: ([^:\s]+): No such file/.exec(all);
    const why = missing
      ? `the header ${missing[1]} is missing from the staged include tree`
      : /compiler|c\+\+|g\+\+/i.test(all) && r.status === 127
        ? "the C++ compiler could not be run"
        : `node-gyp failed (status ${r.status})`;
    throw stepError(step, `${why}. Full log: ${log}\n--- last output ---\n${tail(all, 25)}`);
  }
  writeFileSync(stampFile, stamp);
  return true;
}

function dynamicSymbols(
  nm: string,
  files: string[],
  which: "--defined-only" | "--undefined-only",
): Set<string> {
  const r = mustRun("check symbols", nm, ["-D", which, ...files]);
  const names = new Set<string>();
  for (const line of r.stdout.split("\n")) {
    const name = line.trim().split(/\s+/).pop()?.replace(/@.*$/, "");
    if (name && /^TFE?_/.test(name)) names.add(name);
  }
  return names;
}

/** Checks every TF_/TFE_ symbol the addon imports against the wheel's exports. */
export function checkSymbols(pkgDir: string, wheel: Wheel, nm: string): number {
  const used = dynamicSymbols(nm, [addonPath(pkgDir)], "--undefined-only");
  const libs = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"].map((l) =>
    join(wheel.tfDir, l),
  );
  const exported = dynamicSymbols(nm, libs, "--defined-only");
  const missing = [...used].filter((s) => !exported.has(s)).sort();
  if (used.size === 0)
    throw stepError(
      "check symbols",
      `the addon imports no TF_ symbols: ${addonPath(pkgDir)} looks wrong`,
    );
  if (missing.length) {
    throw stepError(
      "check symbols",
      `${wheel.dist} ${wheel.version}'s libtensorflow_cc.so.2 does not export ${missing.join(", ")} ` +
        `(used by tfjs-node's binding). Try another TensorFlow version with --tf-version.`,
    );
  }
  return used.size;
}

/** Size of a file in MB, for the report. */
export function sizeMB(path: string): number {
  return Math.round(statSync(path).size / 1e5) / 10;
}
