/**
 * The layer rules (.dependency-cruiser.cjs, run on src/ and kernel/ by `npm test`) catch a lower
 * layer reaching up, also through a type-only import and a dynamic import.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "..");
const bin = join(repo, "node_modules", ".bin", "depcruise");

async function cruise(files: Record<string, string>): Promise<{ code: number; out: string }> {
  const root = await mkdtemp(join(tmpdir(), "polytask-layers-"));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await writeFile(
    join(root, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true } }),
  );
  try {
    const r = await run(
      bin,
      ["src", "--config", join(repo, ".dependency-cruiser.cjs"), "--output-type", "err"],
      {
        cwd: root,
      },
    );
    return { code: 0, out: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("layer rules", () => {
  it("allow importing from below", async () => {
    const r = await cruise({
      "src/viz/figure.ts": "export type Figure = { data: unknown[] };\n",
      "src/notebook/show.ts":
        'import type { Figure } from "../viz/figure.js";\nexport const f = (x: Figure) => x;\n',
    });
    assert.equal(r.code, 0, r.out);
  });

  it("forbid a type-only import and a dynamic import from train into viz and notebook", async () => {
    const r = await cruise({
      "src/viz/figure.ts": "export type Figure = { data: unknown[] };\n",
      "src/notebook/host.ts": "export const host = 1;\n",
      "src/train/loop.ts":
        'import type { Figure } from "../viz/figure.js";\nexport async function f(x: Figure) { await import("../notebook/host.js"); return x; }\n',
    });
    assert.notEqual(r.code, 0);
    assert.match(r.out, /layer-train: src\/train\/loop\.ts → src\/viz\/figure\.ts/);
    assert.match(r.out, /layer-train: src\/train\/loop\.ts → src\/notebook\/host\.ts/);
  });

  it("forbid eval importing train and model importing the facade", async () => {
    const r = await cruise({
      "src/train/step.ts": "export const s = 1;\n",
      "src/api/model.ts": "export const m = 1;\n",
      "src/eval/x.ts": 'export { s } from "../train/step.js";\n',
      "src/model/y.ts": 'export { m } from "../api/model.js";\n',
    });
    assert.match(r.out, /layer-eval: src\/eval\/x\.ts → src\/train\/step\.ts/);
    assert.match(r.out, /layer-model: src\/model\/y\.ts → src\/api\/model\.ts/);
  });
});
