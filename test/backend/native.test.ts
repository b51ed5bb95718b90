/**
 * loadNative's errors (nothing set up, the danfojs alias), `polytask native setup`'s argument
 * parsing, toolchain discovery and staging of a wheel's files. None of these load TensorFlow.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadNative, managedPackageDir, nativeDir, packageRoot } from "../../src/backend/native.js";
import { parseNativeArgs } from "../../src/cli/native.js";
import { linkCudaLibraries, stageWheel } from "../../src/cli/native/build.js";
import { EAGER_HEADER, EAGER_HEADER_PATH } from "../../src/cli/native/eager-header.js";
import { run } from "../../src/cli/native/exec.js";
import { findNodeDir } from "../../src/cli/native/toolchain.js";
import { BackendError, ConfigError } from "../../src/errors.js";

const tmp = mkdtempSync(join(tmpdir(), "polytask-native-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe("loadNative without a native build", () => {
  const saved = process.env.POLYTASK_NATIVE_DIR;
  after(() => {
    if (saved === undefined) delete process.env.POLYTASK_NATIVE_DIR;
    else process.env.POLYTASK_NATIVE_DIR = saved;
  });

  it("resolves the managed folder relative to the package root, or $POLYTASK_NATIVE_DIR", () => {
    delete process.env.POLYTASK_NATIVE_DIR;
    assert.equal(nativeDir(), join(packageRoot(), ".native"));
    process.env.POLYTASK_NATIVE_DIR = join(tmp, "empty");
    assert.equal(nativeDir(), join(tmp, "empty"));
    assert.equal(
      managedPackageDir("@tensorflow/tfjs-node-gpu"),
      join(tmp, "empty", "node_modules", "@tensorflow", "tfjs-node-gpu"),
    );
  });

  it("says tfjs-node-gpu is not set up and how to get it", async () => {
    process.env.POLYTASK_NATIVE_DIR = join(tmp, "empty");
    await assert.rejects(loadNative({ gpu: true }), (e: unknown) => {
      assert.ok(e instanceof BackendError);
      assert.equal(e.code, "E_BACKEND");
      assert.match(e.message, /@tensorflow\/tfjs-node-gpu is not set up/);
      assert.match(e.message, /npx polytask native setup/);
      return true;
    });
  });

  it("rejects the danfojs-node alias that npm hoists to node_modules/@tensorflow/tfjs-node", async () => {
    process.env.POLYTASK_NATIVE_DIR = join(tmp, "empty");
    const alias = join(packageRoot(), "node_modules", "@tensorflow", "tfjs-node", "package.json");
    if (!existsSync(alias)) {
      console.log("# no danfojs alias installed here; checking the not-set-up message instead");
    }
    await assert.rejects(loadNative({ gpu: false }), (e: unknown) => {
      assert.ok(e instanceof BackendError);
      if (existsSync(alias)) {
        assert.match(e.message, /"@tensorflow\/tfjs" \(the danfojs-node alias of plain tfjs\)/);
      } else {
        assert.match(e.message, /tfjs-node is not set up/);
      }
      return true;
    });
  });
});

describe("polytask native setup arguments", () => {
  it("defaults to the CPU build of the pinned TensorFlow", () => {
    assert.deepEqual(parseNativeArgs([]), { gpu: false, tfVersion: "2.21.0", force: false });
  });

  it("reads --gpu, --python, --tf-version and --force", () => {
    assert.deepEqual(
      parseNativeArgs([
        "--gpu",
        "--python",
        "/opt/py/bin/python3",
        "--tf-version",
        "2.20.0",
        "--force",
      ]),
      { gpu: true, python: "/opt/py/bin/python3", tfVersion: "2.20.0", force: true },
    );
  });

  it("rejects unknown options, missing values and bad versions with ConfigError", () => {
    assert.throws(
      () => parseNativeArgs(["--cuda"]),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /Unknown option "--cuda"/);
        return true;
      },
    );
    assert.throws(() => parseNativeArgs(["--python"]), /--python needs a value/);
    assert.throws(() => parseNativeArgs(["--tf-version", "latest"]), /not a version like 2\.21\.0/);
  });
});

describe("native setup helpers", () => {
  it("finds Node's headers locally (node-gyp must not download them)", () => {
    const dir = findNodeDir();
    assert.ok(existsSync(join(dir, "include", "node", "node_api.h")));
    assert.ok(existsSync(join(dir, "include", "node", "common.gypi")));
  });

  it("stages a wheel: libtensorflow.so -> libtensorflow_cc.so.2, and writes the eager header when missing", () => {
    const tfDir = join(tmp, "site", "tensorflow");
    mkdirSync(join(tfDir, "include", "tensorflow", "c"), { recursive: true });
    writeFileSync(join(tfDir, "include", "tensorflow", "c", "c_api.h"), "/* c api */\n");
    writeFileSync(join(tfDir, "libtensorflow_cc.so.2"), "");
    writeFileSync(join(tfDir, "libtensorflow_framework.so.2"), "");
    const wheel = {
      dist: "tensorflow-cpu",
      version: "9.9.9",
      tfDir,
      sitePackages: join(tmp, "site"),
    };
    const pkgDir = join(tmp, "pkg");
    const staged = stageWheel(pkgDir, wheel);
    const lib = join(pkgDir, "deps", "lib");
    assert.equal(readlinkSync(join(lib, "libtensorflow.so")), "libtensorflow_cc.so.2");
    assert.ok(existsSync(join(lib, "libtensorflow.so")), "link chain resolves to the wheel");
    assert.ok(existsSync(join(lib, "libtensorflow_framework.so")));
    assert.ok(existsSync(join(pkgDir, "deps", "include", "tensorflow", "c", "c_api.h")));
    assert.equal(staged.wroteEagerHeader, true);
    assert.ok(existsSync(join(pkgDir, "deps", "compat-include", EAGER_HEADER_PATH)));
    assert.match(staged.cppflags, /^-I.*compat-include$/);
    // With the header present in the wheel, nothing is written.
    mkdirSync(join(tfDir, "include", "tensorflow", "c", "eager"));
    writeFileSync(join(tfDir, "include", EAGER_HEADER_PATH), "/* eager */\n");
    assert.deepEqual(stageWheel(pkgDir, wheel), { cppflags: "", wroteEagerHeader: false });
  });

  it("links the CUDA libraries of nvidia-* wheels into deps/lib (GPU wheels)", () => {
    const site = join(tmp, "gpu-site");
    mkdirSync(join(site, "nvidia", "cudnn", "lib"), { recursive: true });
    mkdirSync(join(site, "nvidia", "cublas", "lib"), { recursive: true });
    mkdirSync(join(site, "nvidia", "cublas", "include"), { recursive: true });
    writeFileSync(join(site, "nvidia", "cudnn", "lib", "libcudnn.so.9"), "");
    writeFileSync(join(site, "nvidia", "cublas", "lib", "libcublas.so.12"), "");
    writeFileSync(join(site, "nvidia", "cublas", "lib", "README.txt"), "");
    const deps = join(tmp, "gpu-deps");
    mkdirSync(join(deps, "lib"), { recursive: true });
    assert.equal(linkCudaLibraries(site, deps), 2);
    assert.ok(existsSync(join(deps, "lib", "libcudnn.so.9")));
    assert.ok(existsSync(join(deps, "lib", "libcublas.so.12")));
    assert.ok(!existsSync(join(deps, "lib", "README.txt")));
    assert.ok(existsSync(join(deps, "nvidia", "cudnn", "lib", "libcudnn.so.9")));
    assert.equal(linkCudaLibraries(join(tmp, "cpu-site"), deps), 0);
  });

  it("names the missing library when the wheel lacks libtensorflow_cc.so.2", () => {
    const tfDir = join(tmp, "bad", "tensorflow");
    mkdirSync(join(tfDir, "include", "tensorflow", "c"), { recursive: true });
    writeFileSync(join(tfDir, "include", "tensorflow", "c", "c_api.h"), "");
    const wheel = {
      dist: "tensorflow-cpu",
      version: "1.0.0",
      tfDir,
      sitePackages: join(tmp, "bad"),
    };
    assert.throws(
      () => stageWheel(join(tmp, "pkg2"), wheel),
      (e: unknown) => {
        assert.ok(e instanceof BackendError);
        assert.match(e.message, /step "stage libtensorflow".*has no libtensorflow_cc\.so\.2/);
        return true;
      },
    );
  });

  it("the stand-in eager header declares every TFE_ function the built addon imports", (t) => {
    const addon = join(
      managedPackageDir("@tensorflow/tfjs-node", join(packageRoot(), ".native")),
      "lib",
      "napi-v8",
      "tfjs_binding.node",
    );
    if (!existsSync(addon)) {
      t.skip(`no addon built at ${addon} (run \`npx polytask native setup\`)`);
      return;
    }
    const r = run("nm", ["-D", "--undefined-only", addon]);
    assert.equal(r.status, 0, r.stderr);
    const tfe = [...r.stdout.matchAll(/\b(TFE_\w+)/g)].map((m) => m[1]);
    assert.ok(tfe.length >= 20, `addon imports ${tfe.length} TFE_ functions`);
    for (const name of tfe) assert.match(EAGER_HEADER, new RegExp(`\\b${name}\\(`), name);
  });
});
