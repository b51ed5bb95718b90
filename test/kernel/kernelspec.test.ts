import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  KERNEL_NAME,
  LOGO_FILES,
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
      for (const f of LOGO_FILES) assert.ok(existsSync(join(where, f)), `${f} installed`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ships a kernel logo: 32x32 and 64x64 PNGs and an SVG", () => {
    const dir = join(import.meta.dirname, "..", "..", "kernel", "logo");
    for (const n of [32, 64]) {
      const png = readFileSync(join(dir, `logo-${n}x${n}.png`));
      assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [n, n], "IHDR size");
    }
    assert.match(readFileSync(join(dir, "logo-svg.svg"), "utf8"), /^<svg [^>]*viewBox="0 0 64 64"/);
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
