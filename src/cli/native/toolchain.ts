/**
 * Finds the tools `polytask native setup` needs before it downloads anything: Python 3 (for the
 * virtual environment and for node-gyp), a C++ compiler and make, `nm` (symbol check), the
 * Node headers node-gyp compiles against (never downloaded: nodejs.org is not a registry), and
 * node-gyp itself (npm's bundled copy, else one installed from npm into the native folder).
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { mustRun, run, stepError, which } from "./exec.js";

export interface Toolchain {
  python: string;
  pythonVersion: string;
  cxx: string;
  nm: string;
  /** `--nodedir` for node-gyp: holds include/node/{node_api.h,common.gypi}. */
  nodeDir: string;
  /** node-gyp's entry script, or undefined when it must be installed from npm. */
  nodeGyp: string | undefined;
}

const STEP = "check tools";

function findPython(explicit: string | undefined): { python: string; version: string } {
  const tried = explicit ? [explicit] : ["python3", "python"];
  for (const name of tried) {
    const path = which([name]);
    if (!path) continue;
    const r = run(path, ["-c", "import sys, venv; print('%d.%d.%d' % sys.version_info[:3])"]);
    if (r.status !== 0) {
      if (explicit) {
        throw stepError(STEP, `${explicit} cannot run \`import venv\`: ${r.stderr.trim()}`);
      }
      continue;
    }
    const version = r.stdout.trim();
    const [major, minor] = version.split(".").map(Number);
    if (major !== 3 || minor < 9) {
      throw stepError(STEP, `${path} is Python ${version}; TensorFlow wheels need Python 3.9+.`);
    }
    return { python: path, version };
  }
  throw stepError(
    STEP,
    `no usable Python 3 found (tried ${tried.join(", ")}, each must import venv). Install ` +
      "Python 3.9+ with venv (Debian: apt-get install python3 python3-venv) or pass --python PATH.",
  );
}

function findCompiler(): { cxx: string; nm: string } {
  const cxx = which([process.env.CXX ?? "", "c++", "g++", "clang++"].filter(Boolean));
  if (!cxx) {
    throw stepError(
      STEP,
      "no C++ compiler found (tried $CXX, c++, g++, clang++). Install one " +
        "(Debian: apt-get install g++ make).",
    );
  }
  mustRun(STEP, cxx, ["--version"]);
  if (!which(["make"])) {
    throw stepError(STEP, "`make` not found. Install it (Debian: apt-get install make).");
  }
  const nm = which(["nm"]);
  if (!nm) {
    throw stepError(
      STEP,
      "`nm` not found (needed to check libtensorflow's symbols). Install binutils.",
    );
  }
  return { cxx, nm };
}

/** Candidate prefixes holding include/node: Node's configured prefix, then the binary's. */
export function findNodeDir(): string {
  const vars = (process.config as { variables?: { node_prefix?: string } }).variables ?? {};
  const candidates = [
    process.env.npm_config_nodedir,
    vars.node_prefix,
    dirname(dirname(realpathSync(process.execPath))),
    "/usr/local",
    "/usr",
  ].filter((p): p is string => Boolean(p));
  for (const dir of candidates) {
    const inc = join(dir, "include", "node");
    if (existsSync(join(inc, "node_api.h")) && existsSync(join(inc, "common.gypi"))) return dir;
  }
  throw stepError(
    STEP,
    `Node ${process.version}'s headers were not found (looked for include/node/node_api.h and ` +
      `common.gypi under ${candidates.join(", ")}). node-gyp would download them from ` +
      "nodejs.org; instead install Node's development headers (the official Node tarball ships " +
      "include/node; Debian: apt-get install libnode-dev) or set npm_config_nodedir.",
  );
}

/** npm's bundled node-gyp, if this npm has one. */
export function findBundledNodeGyp(): string | undefined {
  const npm = which(["npm"]);
  const roots = [
    npm ? join(dirname(realpathSync(npm)), "..") : undefined,
    join(dirname(realpathSync(process.execPath)), "..", "lib", "node_modules", "npm"),
  ];
  for (const root of roots) {
    if (!root) continue;
    const p = join(root, "node_modules", "node-gyp", "bin", "node-gyp.js");
    if (existsSync(p)) return p;
  }
  return undefined;
}

export function checkToolchain(pythonArg: string | undefined): Toolchain {
  const { python, version } = findPython(pythonArg);
  const { cxx, nm } = findCompiler();
  return {
    python,
    pythonVersion: version,
    cxx,
    nm,
    nodeDir: findNodeDir(),
    nodeGyp: findBundledNodeGyp(),
  };
}
