/** Runs Debian's chromium headless on a local file, offline (for the render tests). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The browser path from scripts/setup-chromium.sh (installing it if needed), or why not. */
export function setupChromium(): { path?: string; reason?: string } {
  const script = resolve(import.meta.dirname, "../../scripts/setup-chromium.sh");
  const r = spawnSync("bash", [script], { encoding: "utf8", timeout: 600_000 });
  const path = r.stdout.trim().split("\n").pop();
  if (r.status === 0 && path) return { path };
  return {
    reason: `chromium unavailable: ${(r.stderr || r.error?.message || "setup failed").trim().split("\n").pop()}`,
  };
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-extensions",
  "--hide-scrollbars",
  "--virtual-time-budget=15000",
];

function run(browser: string, args: string[]): { stdout: string; stderr: string } {
  const profile = mkdtempSync(join(tmpdir(), "polytask-chromium-"));
  try {
    const r = spawnSync(browser, [...FLAGS, `--user-data-dir=${profile}`, ...args], {
      encoding: "utf8",
      timeout: 120_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    return { stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The DOM after scripts ran. */
export function dumpDom(browser: string, file: string): string {
  return run(browser, ["--dump-dom", pathToFileURL(file).href]).stdout;
}

/** A PNG screenshot of the page at the given window size. */
export function screenshot(browser: string, file: string, png: string, size = "1280,2400"): void {
  const r = run(browser, [
    `--screenshot=${png}`,
    `--window-size=${size}`,
    pathToFileURL(file).href,
  ]);
  if (!/bytes written/.test(r.stderr + r.stdout))
    throw new Error(`no screenshot: ${r.stderr.slice(-500)}`);
}
