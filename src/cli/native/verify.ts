/**
 * Verification for `polytask native setup`: loads the built package in a child process (so a
 * crash cannot take the setup down), checks it registers the `tensorflow` backend and computes a
 * known matrix product, and lists TensorFlow's devices with a tiny C program against the same
 * libraries.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mustRun, run, stepError, tail, which } from "./exec.js";

export interface Verified {
  tfVersion: string;
  gpu: boolean;
  backend: string;
}

const CHECK = `
const dir = process.argv[1];
const tf = require(dir);
const backend = tf.getBackend();
if (backend !== "tensorflow") throw new Error("active backend is " + backend + ", not tensorflow");
const b = tf.findBackend("tensorflow").binding;
const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).arraySync();
if (JSON.stringify(y) !== "[[19,22],[43,50]]") throw new Error("matMul gave " + JSON.stringify(y));
const g = tf.grad((x) => tf.conv2d(x, tf.ones([3, 3, 1, 2]), 1, "same").sum())(tf.ones([1, 4, 4, 1]));
if (g.shape.join() !== "1,4,4,1") throw new Error("conv2d gradient has shape " + g.shape);
console.log(JSON.stringify({ tfVersion: b.TF_Version, gpu: b.isUsingGpuDevice(), backend }));
`;

/** Loads `pkgDir` in a child Node and runs two ops on the tensorflow backend. */
export function verifyLoad(pkgDir: string, cwd: string): Verified {
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? "2" };
  const r = run(process.execPath, ["-e", CHECK, pkgDir], { cwd, env, timeoutMs: 180_000 });
  if (r.status !== 0) {
    const out = `${r.stdout}\n${r.stderr}`;
    const sym = /undefined symbol: (\S+)/.exec(out);
    const why = sym ? `the library does not define ${sym[1]}` : "loading it failed";
    throw stepError("verify", `${why}\n--- last output ---\n${tail(out)}`);
  }
  const last = r.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as Verified;
  } catch {
    throw stepError("verify", `unexpected output from the check: ${tail(r.stdout)}`);
  }
}

const DEVICES_C = `/* polytask: lists TensorFlow's devices through the C API. */
#include <stdio.h>
#include "tensorflow/c/c_api.h"
#include "tensorflow/c/eager/c_api.h"
int main(void) {
  TF_Status* s = TF_NewStatus();
  TFE_ContextOptions* o = TFE_NewContextOptions();
  TFE_Context* ctx = TFE_NewContext(o, s);
  TFE_DeleteContextOptions(o);
  if (TF_GetCode(s) != TF_OK) { fprintf(stderr, "%s\\n", TF_Message(s)); return 1; }
  TF_DeviceList* list = TFE_ContextListDevices(ctx, s);
  if (TF_GetCode(s) != TF_OK) { fprintf(stderr, "%s\\n", TF_Message(s)); return 1; }
  for (int i = 0; i < TF_DeviceListCount(list); i++) printf("%s\\n", TF_DeviceListName(list, i, s));
  TF_DeleteDeviceList(list);
  TFE_DeleteContext(ctx);
  TF_DeleteStatus(s);
  return 0;
}
`;

/** Compiles and runs the device lister against `<pkgDir>/deps`; returns the device names. */
export function listDevices(
  pkgDir: string,
  workDir: string,
  cppflags: string,
  cxx: string,
): string[] {
  const step = "list devices";
  const src = join(workDir, "tf_devices.c");
  const exe = join(workDir, `tf_devices-${pkgDir.endsWith("-gpu") ? "gpu" : "cpu"}`);
  const lib = join(pkgDir, "deps", "lib");
  const fresh =
    existsSync(exe) &&
    existsSync(src) &&
    readFileSync(src, "utf8") === DEVICES_C &&
    statSync(exe).mtimeMs > statSync(join(lib, "..", "polytask-build-stamp")).mtimeMs;
  if (!fresh) compileDevices(src, exe, pkgDir, cppflags, cxx);
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" };
  const r = mustRun(step, exe, [], { env, timeoutMs: 120_000 });
  return r.stdout.split("\n").filter((l) => l.startsWith("/"));
}

function compileDevices(src: string, exe: string, pkgDir: string, cppflags: string, cxx: string) {
  writeFileSync(src, DEVICES_C);
  const lib = join(pkgDir, "deps", "lib");
  const cc = which(["cc", "gcc"]);
  const lang = cc ? [] : ["-x", "c"];
  const flags = cppflags ? [cppflags] : [];
  mustRun("list devices", cc ?? cxx, [
    ...lang,
    ...flags,
    `-I${join(pkgDir, "deps", "include")}`,
    src,
    "-o",
    exe,
    `-L${lib}`,
    "-ltensorflow",
    "-ltensorflow_framework",
    `-Wl,-rpath,${lib}`,
  ]);
}
