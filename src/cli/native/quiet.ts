/**
 * The quiet loader: TensorFlow's framework library logs "oneDNN custom operations are on" (and
 * absl's "All log messages before absl::InitializeLog()" warning) from a static initializer, so
 * at dlopen, before any setting can reach it: `TF_CPP_MIN_LOG_LEVEL` does not hide it. This
 * tiny shared object, loaded by src/backend/native.ts before tfjs-node, loads the framework
 * library itself with stderr pointed at /dev/null for the duration (dup2: atomic, nothing else
 * is redirected), so the addon finds it loaded and those lines are never printed. It is used
 * only while `TF_CPP_MIN_LOG_LEVEL` >= 1 (polytask's default is 2).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { QUIET_LOADER } from "../../backend/native.js";
import { mustRun, stepError, which } from "./exec.js";

const QUIET_C = `/* polytask: loads $POLYTASK_TF_FRAMEWORK with stderr silenced (see src/cli/native/quiet.ts) */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
__attribute__((constructor)) static void polytask_quiet_tf(void) {
  const char* lib = getenv("POLYTASK_TF_FRAMEWORK");
  if (!lib || !*lib) return;
  int saved = dup(2);
  int devnull = open("/dev/null", O_WRONLY);
  if (saved < 0 || devnull < 0) {
    if (saved >= 0) close(saved);
    if (devnull >= 0) close(devnull);
    return;
  }
  dup2(devnull, 2);
  close(devnull);
  dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
  dup2(saved, 2);
  close(saved);
}
`;

/** Compiles the quiet loader into `dir` (once); returns whether it compiled now. */
export function buildQuietLoader(dir: string): boolean {
  const src = join(dir, "polytask-quiet-tf.c");
  const so = join(dir, QUIET_LOADER);
  if (existsSync(so) && existsSync(src) && readFileSync(src, "utf8") === QUIET_C) return false;
  writeFileSync(src, QUIET_C);
  const cc = which(["cc", "gcc", "c++", "g++"]);
  if (!cc) throw stepError("quiet loader", "no C compiler found (tried cc, gcc, c++, g++)");
  mustRun("quiet loader", cc, ["-x", "c", "-shared", "-fPIC", src, "-o", so, "-ldl"]);
  return true;
}
