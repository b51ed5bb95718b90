/**
 * The Python side of `polytask native setup`: a virtual environment inside the managed folder
 * and the TensorFlow wheel from PyPI, whose `libtensorflow_cc.so.2` carries the TF_/TFE_ C API
 * tfjs-node's binding calls. The CPU wheel is installed without its Python dependencies (only
 * its shared libraries and headers are used); the GPU wheel gets `[and-cuda]`, whose NVIDIA
 * wheels provide the CUDA libraries.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { mustRun, run, stepError, tail } from "./exec.js";

/** Default wheel version: checked to export every TF_/TFE_ symbol the binding uses. */
export const DEFAULT_TF_VERSION = "2.21.0";

export interface Wheel {
  /** Distribution name, e.g. "tensorflow-cpu". */
  dist: string;
  version: string;
  /** The wheel's `tensorflow/` package folder (libtensorflow_cc.so.2, include/). */
  tfDir: string;
  /** The venv's site-packages. */
  sitePackages: string;
}

export function venvPython(venv: string): string {
  return join(venv, "bin", "python");
}

/** Creates the venv with `python -m venv`. Returns false when it already exists. */
export function createVenv(python: string, venv: string): boolean {
  if (existsSync(venvPython(venv))) return false;
  mustRun("python venv", python, ["-m", "venv", venv], {
    hint: "Debian/Ubuntu need the python3-venv package.",
  });
  return true;
}

function sitePackages(venv: string): string {
  const lib = join(venv, "lib");
  const py = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith("python3")) : undefined;
  if (!py) throw stepError("pip install", `no lib/python3.* in the venv ${venv}`);
  return join(lib, py, "site-packages");
}

function installedWheel(venv: string, dist: string, version: string): Wheel | undefined {
  const site = sitePackages(venv);
  const info = `${dist.replace(/-/g, "_")}-${version}.dist-info`;
  const tfDir = join(site, "tensorflow");
  if (existsSync(join(site, info)) && existsSync(join(tfDir, "libtensorflow_cc.so.2"))) {
    return { dist, version, tfDir, sitePackages: site };
  }
  return undefined;
}

/**
 * pip-installs the TensorFlow wheel into the venv (idempotent: skipped when that exact version
 * is there). Returns the wheel and whether it was installed now.
 */
export function installWheel(
  venv: string,
  gpu: boolean,
  version: string,
): { wheel: Wheel; installed: boolean } {
  const step = "pip install";
  const dist = gpu ? "tensorflow" : "tensorflow-cpu";
  const have = installedWheel(venv, dist, version);
  if (have) return { wheel: have, installed: false };
  const spec = gpu ? [`tensorflow[and-cuda]==${version}`] : ["--no-deps", `${dist}==${version}`];
  const r = run(venvPython(venv), [
    "-m",
    "pip",
    "install",
    "--disable-pip-version-check",
    "--no-input",
    ...spec,
  ]);
  if (r.status !== 0) {
    const out = `${r.stdout}\n${r.stderr}`;
    const offline = /Could not find a version|NewConnectionError|Temporary failure|timed out/i;
    const why = offline.test(out)
      ? `${dist}==${version} could not be downloaded: is PyPI reachable, and is there a ` +
        `${dist} ${version} wheel for this Python and platform? (\`pip index versions ${dist}\`)`
      : `pip failed (status ${r.status})`;
    throw stepError(step, `${why}\n--- last output ---\n${tail(out)}`);
  }
  const wheel = installedWheel(venv, dist, version);
  if (!wheel) {
    throw stepError(
      step,
      `pip reported success but ${dist} ${version} has no tensorflow/libtensorflow_cc.so.2 ` +
        "(TensorFlow 2.x wheels ship it; is this a TensorFlow wheel for Linux?)",
    );
  }
  return { wheel, installed: true };
}
