/**
 * `polytask native setup [--gpu] [--python PATH] [--tf-version V] [--force]`: builds a real
 * tfjs-node(-gpu) 4.22.0 in the polytask-managed folder `.native/` from registry packages only:
 * the npm tarball (install script not run), the TensorFlow wheel from PyPI in `.native/venv`,
 * and an addon compiled from tfjs-node's sources against local Node headers. Each step is
 * idempotent and timed; a failing step throws a `BackendError` naming the step and the fix.
 *
 * `--gpu` installs `tensorflow[and-cuda]` and `@tensorflow/tfjs-node-gpu`. It was written for
 * CUDA machines but NOT verified on a GPU (none was available where it was developed).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  MANIFEST_FILE,
  type NativeManifest,
  type NativePackage,
  managedPackageDir,
  nativeDir,
  packageRoot,
} from "../backend/native.js";
import { ConfigError } from "../errors.js";
import { addonPath, buildAddon, checkSymbols, napiVersion, stageWheel } from "./native/build.js";
import { TFJS_NODE_VERSION, fetchPackage, installRuntimeDeps } from "./native/package.js";
import { DEFAULT_TF_VERSION, createVenv, installWheel, venvPython } from "./native/python.js";
import { buildQuietLoader } from "./native/quiet.js";
import { type Toolchain, checkToolchain } from "./native/toolchain.js";
import { listDevices, verifyLoad } from "./native/verify.js";

export interface NativeSetupOptions {
  gpu: boolean;
  python?: string;
  tfVersion: string;
  force: boolean;
}

const USAGE =
  "usage: polytask native setup [--gpu] [--python PATH] [--tf-version VERSION] [--force]";

export function parseNativeArgs(args: string[]): NativeSetupOptions {
  const opts: NativeSetupOptions = { gpu: false, tfVersion: DEFAULT_TF_VERSION, force: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) {
        throw new ConfigError(`${a} needs a value. ${USAGE}`, { field: a, expected: "a value" });
      }
      return v;
    };
    if (a === "--gpu") opts.gpu = true;
    else if (a === "--force") opts.force = true;
    else if (a === "--python") opts.python = value();
    else if (a === "--tf-version") opts.tfVersion = value();
    else {
      throw new ConfigError(`Unknown option ${JSON.stringify(a)}. ${USAGE}`, {
        field: "option",
        value: a,
        expected: "--gpu, --python PATH, --tf-version VERSION or --force",
      });
    }
  }
  if (!/^\d+\.\d+(\.\d+)?$/.test(opts.tfVersion)) {
    throw new ConfigError(`--tf-version ${opts.tfVersion} is not a version like 2.21.0.`, {
      field: "--tf-version",
      value: opts.tfVersion,
      expected: "MAJOR.MINOR.PATCH",
    });
  }
  return opts;
}

type Step = NativeManifest["steps"][number];

/** Runs `fn` as a named step, printing and recording its duration. */
function timed<T>(steps: Step[], name: string, fn: () => T, didWork?: (r: T) => boolean): T {
  const t0 = performance.now();
  process.stdout.write(`  ${name} ...`);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    process.stdout.write(` failed (${((performance.now() - t0) / 1000).toFixed(2)} s)\n`);
    throw e;
  }
  const seconds = Math.round((performance.now() - t0) / 10) / 100;
  const skipped = didWork ? !didWork(result) : false;
  steps.push({ name, seconds, skipped });
  process.stdout.write(` ${skipped ? "already done" : "done"} (${seconds.toFixed(2)} s)\n`);
  return result;
}

/** Builds the native backend; returns the manifest it wrote. */
export async function setupNative(opts: NativeSetupOptions): Promise<NativeManifest> {
  const dir = nativeDir();
  const pkg: NativePackage = opts.gpu ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  const pkgDir = managedPackageDir(pkg, dir);
  const venv = join(dir, opts.gpu ? "venv-gpu" : "venv");
  const steps: Step[] = [];
  const t0 = performance.now();
  mkdirSync(dir, { recursive: true });
  console.log(`polytask native setup: ${pkg}@${TFJS_NODE_VERSION} in ${dir}`);

  const tools: Toolchain = timed(steps, "check tools", () => checkToolchain(opts.python));
  console.log(
    `    python ${tools.pythonVersion} (${tools.python}), ${tools.cxx}, Node headers in ` +
      `${tools.nodeDir}/include/node, node-gyp ${tools.nodeGyp ? "bundled with npm" : "from npm"}`,
  );
  timed(
    steps,
    "npm dependencies",
    () => installRuntimeDeps(dir, !tools.nodeGyp),
    (r) => r,
  );
  const nodeGyp = tools.nodeGyp ?? join(dir, "node_modules", "node-gyp", "bin", "node-gyp.js");
  timed(
    steps,
    `fetch ${pkg}`,
    () => fetchPackage(dir, pkg, pkgDir),
    (r) => r,
  );
  timed(
    steps,
    "python venv",
    () => createVenv(tools.python, venv),
    (r) => r,
  );
  const dist = opts.gpu ? "tensorflow[and-cuda]" : "tensorflow-cpu";
  const { wheel } = timed(
    steps,
    `pip install ${dist}==${opts.tfVersion}`,
    () => installWheel(venv, opts.gpu, opts.tfVersion),
    (r) => r.installed,
  );
  const staged = timed(steps, "stage libtensorflow", () => stageWheel(pkgDir, wheel));
  if (staged.wroteEagerHeader) {
    console.log("    the wheel has no tensorflow/c/eager/c_api.h: using polytask's declarations");
  }
  const logFile = join(dir, `build-${opts.gpu ? "gpu" : "cpu"}.log`);
  timed(
    steps,
    "build addon (node-gyp)",
    () => buildAddon(pkgDir, wheel, tools, nodeGyp, staged, { force: opts.force, logFile }),
    (r) => r,
  );
  const nSymbols = timed(steps, "check symbols", () => checkSymbols(pkgDir, wheel, tools.nm));
  console.log(`    all ${nSymbols} TF_/TFE_ symbols the addon imports are exported by the wheel`);
  const verified = timed(steps, "verify (load + ops)", () => verifyLoad(pkgDir, packageRoot()));
  const devices = timed(steps, "list devices", () => listDevices(pkgDir, dir));
  timed(
    steps,
    "quiet loader",
    () => buildQuietLoader(dir),
    (r) => r,
  );

  const manifestFile = join(pkgDir, MANIFEST_FILE);
  let prior: NativeManifest | undefined;
  try {
    prior = JSON.parse(readFileSync(manifestFile, "utf8")) as NativeManifest;
  } catch {
    prior = undefined;
  }
  const lastWork = steps.map((s) =>
    s.skipped ? (prior?.lastWork?.find((p) => p.name === s.name && !p.skipped) ?? s) : s,
  );
  const manifest: NativeManifest = {
    package: pkg,
    tfjsNodeVersion: TFJS_NODE_VERSION,
    tfVersion: verified.tfVersion,
    wheel: `${wheel.dist}==${wheel.version}`,
    python: venvPython(venv),
    devices,
    napiVersion: napiVersion(pkgDir),
    steps,
    lastWork,
    builtAt: new Date().toISOString(),
  };
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  const total = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `polytask native setup: done in ${total} s. TensorFlow ${verified.tfVersion}, ` +
      `${verified.gpu ? "GPU" : "CPU"}; devices: ${devices.join(", ")}\n` +
      `  addon: ${addonPath(pkgDir)}\n` +
      '  `useBackend()` now picks tensorflow; `useBackend("tensorflow")` asks for it.' +
      (opts.gpu && !verified.gpu
        ? "\n  note: --gpu build, but TensorFlow found no usable GPU, so it runs on the CPU."
        : ""),
  );
  return manifest;
}

/** CLI entry: `polytask native setup ...`. */
export async function nativeSetup(args: string[]): Promise<void> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return;
  }
  await setupNative(parseNativeArgs(args));
}
