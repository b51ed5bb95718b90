import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  KERNEL_NAME,
  installKernelSpec,
  kernelSpec,
  kernelsDir,
  userDataDir,
} from "../../kernel/kernelspec.js";
import { parseKernelInstallArgs } from "../../src/cli/kernel.js";
import { ConfigError } from "../../src/errors.js";

describe("kernelspec", () => {
  it("has absolute paths, the connection file placeholder, name and language", () => {
    const spec = kernelSpec("/opt/polytask", "/usr/bin/node");
    assert.deepEqual(spec.argv, [
      "/usr/bin/node",
      "/opt/polytask/dist/kernel/main.js",
      "{connection_file}",
    ]);
    assert.equal(spec.display_name, "TypeScript (polytask)");
    assert.equal(spec.language, "typescript");
    assert.equal(KERNEL_NAME, "polytask");
  });

  it("installs into <prefix>/share/jupyter/kernels/polytask", () => {
    const dir = mkdtempSync(join(tmpdir(), "ptk-"));
    try {
      const root = join(import.meta.dirname, "..", "..");
      const built = kernelSpec(root).argv[1];
      let where: string;
      try {
        where = installKernelSpec(root, { prefix: dir });
      } catch (e) {
        // Without a build the installer refuses with a typed error naming the missing file.
        assert.ok(e instanceof ConfigError && e.message.includes(built));
        return;
      }
      assert.equal(where, join(dir, "share", "jupyter", "kernels", "polytask"));
      const json = JSON.parse(readFileSync(join(where, "kernel.json"), "utf8"));
      assert.equal(json.argv[1], built);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the user data dir like jupyter_core", () => {
    assert.equal(userDataDir({ JUPYTER_DATA_DIR: "/x" }, "linux"), "/x");
    assert.equal(userDataDir({ XDG_DATA_HOME: "/xdg" }, "linux"), "/xdg/jupyter");
    assert.equal(kernelsDir({ prefix: "/p" }), "/p/share/jupyter/kernels");
  });

  it("parses `kernel install [--user | --prefix DIR]`", () => {
    assert.deepEqual(parseKernelInstallArgs(["install", "--prefix", "/p"]), { prefix: "/p" });
    assert.deepEqual(parseKernelInstallArgs(["--prefix=/q"]), { prefix: "/q" });
    assert.deepEqual(parseKernelInstallArgs(["install", "--user"]), { user: true });
    assert.throws(() => parseKernelInstallArgs(["--user", "--prefix", "/p"]), ConfigError);
    assert.throws(() => parseKernelInstallArgs(["--bogus"]), /Unknown argument "--bogus"/);
    assert.throws(() => parseKernelInstallArgs(["--prefix"]), /--prefix needs a directory/);
  });
});
