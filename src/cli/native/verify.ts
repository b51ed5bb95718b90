/**
 * Verification for `polytask native setup`: loads the built package in a child process (so a
 * crash cannot take the setup down), checks it registers the `tensorflow` backend and computes a
 * known matrix product, and lists TensorFlow's devices with a tiny C program against the same
 * libraries.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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

/* Loads the library with dlopen instead of linking against it: linking the 750 MB library
 * took 12-30 s, compiling this takes under a second. */
const DEVICES_C = `/* polytask: lists TensorFlow's devices through the C API. usage: tf_devices LIB */
#include <dlfcn.h>
#include <stdio.h>
typedef void* P;
int main(int argc, char** argv) {
  if (argc < 2) return 2;
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) { fprintf(stderr, "%s\\n", dlerror()); return 1; }
#define SYM(ret, name, args) ret(*name) args = (ret(*) args)dlsym(lib, #name); \\
  if (!name) { fprintf(stderr, "missing symbol %s\\n", #name); return 1; }
  SYM(P, TF_NewStatus, (void))
  SYM(int, TF_GetCode, (P))
  SYM(const char*, TF_Message, (P))
  SYM(P, TFE_NewContextOptions, (void))
  SYM(void, TFE_DeleteContextOptions, (P))
  SYM(P, TFE_NewContext, (P, P))
  SYM(void, TFE_DeleteContext, (P))
  SYM(P, TFE_ContextListDevices, (P, P))
  SYM(int, TF_DeviceListCount, (P))
  SYM(const char*, TF_DeviceListName, (P, int, P))
  SYM(void, TF_DeleteDeviceList, (P))
  SYM(void, TF_DeleteStatus, (P))
  P s = TF_NewStatus();
  P o = TFE_NewContextOptions();
  P ctx = TFE_NewContext(o, s);
  TFE_DeleteContextOptions(o);
  if (TF_GetCode(s) != 0) { fprintf(stderr, "%s\\n", TF_Message(s)); return 1; }
  P list = TFE_ContextListDevices(ctx, s);
  if (TF_GetCode(s) != 0) { fprintf(stderr, "%s\\n", TF_Message(s)); return 1; }
  for (int i = 0; i < TF_DeviceListCount(list); i++) printf("%s\\n", TF_DeviceListName(list, i, s));
  TF_DeleteDeviceList(list);
  TFE_DeleteContext(ctx);
  TF_DeleteStatus(s);
  return 0;
}
`;

/** Compiles (once) and runs the device lister on `<pkgDir>/deps/lib`; returns device names. */
export function listDevices(pkgDir: string, workDir: string): string[] {
  const step = "list devices";
  const src = join(workDir, "tf_devices.c");
  const exe = join(workDir, "tf_devices");
  if (!(existsSync(exe) && existsSync(src) && readFileSync(src, "utf8") === DEVICES_C)) {
    writeFileSync(src, DEVICES_C);
    const cc = which(["cc", "gcc", "c++", "g++"]);
    if (!cc) throw stepError(step, "no C compiler found (tried cc, gcc, c++, g++)");
    mustRun(step, cc, ["-x", "c", src, "-o", exe, "-ldl"]);
  }
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" };
  const lib = join(pkgDir, "deps", "lib", "libtensorflow_cc.so.2");
  const r = mustRun(step, exe, [lib], { env, timeoutMs: 120_000 });
  return r.stdout.split("\n").filter((l) => l.startsWith("/"));
}
