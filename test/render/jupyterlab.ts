/**
 * A real JupyterLab (and Notebook 7, served by the same server) for browser tests: started
 * from .venv (scripts/setup-pyenv.sh) with the polytask kernelspec from dist/ in a temporary
 * prefix, driven by playwright-core on Debian's chromium. `window.jupyterapp` is exposed so
 * tests run commands (run all, run cell, save) instead of clicking. `plotlyRenderer(on)`
 * switches the `jupyterlab-plotly` extension for the next page load (page_config.json is read
 * per request).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { setupChromium } from "./chromium.js";

export const root = resolve(import.meta.dirname, "../..");
const venv = join(root, ".venv/bin");

/** Why the JupyterLab tests cannot run here, or undefined when they can. */
export function whyNot(): string | undefined {
  if (
    !existsSync(join(root, "dist/kernel/main.js")) ||
    !existsSync(join(root, "dist/src/cli/kernel.js"))
  )
    return "dist/ is not built (run `npx tsc -p .`; scripts/test.sh does)";
  const py = spawnSync("bash", [join(root, "scripts/setup-pyenv.sh")], {
    encoding: "utf8",
    timeout: 600_000,
  });
  if (py.status !== 0 || !existsSync(join(venv, "jupyter-lab")))
    return `JupyterLab unavailable: ${(py.stderr || "scripts/setup-pyenv.sh failed").trim().split("\n").pop()}`;
  const c = setupChromium();
  return c.path ? undefined : (c.reason ?? "chromium unavailable");
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export class Lab {
  readonly dir = mkdtempSync(join(tmpdir(), "polytask-lab-"));
  readonly notebooks = join(this.dir, "notebooks");
  readonly token = "polytask-test";
  readonly env: NodeJS.ProcessEnv;
  port = 0;
  browser?: Browser;
  private server?: ChildProcess;

  constructor() {
    mkdirSync(this.notebooks);
    mkdirSync(join(this.dir, "config/labconfig"), { recursive: true });
    // Render every cell (no windowing), so the tests see every output without scrolling.
    const settings = join(this.dir, "config/lab/user-settings/@jupyterlab/notebook-extension");
    mkdirSync(settings, { recursive: true });
    writeFileSync(
      join(settings, "tracker.jupyterlab-settings"),
      JSON.stringify({ windowingMode: "none" }),
    );
    this.env = {
      ...process.env,
      JUPYTER_PATH: join(this.dir, "prefix/share/jupyter"),
      JUPYTER_CONFIG_DIR: join(this.dir, "config"),
      JUPYTER_DATA_DIR: join(this.dir, "data"),
      JUPYTER_RUNTIME_DIR: join(this.dir, "runtime"),
      JUPYTER_PLATFORM_DIRS: "1",
      PYTHONDONTWRITEBYTECODE: "1",
    };
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const install = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'const { kernelInstall } = await import(process.argv[1]); await kernelInstall(["--prefix", process.argv[2]]);',
        join(root, "dist/src/cli/kernel.js"),
        join(this.dir, "prefix"),
      ],
      { encoding: "utf8", cwd: root, timeout: 60_000 },
    );
    if (install.status !== 0) throw new Error(`kernel install failed: ${install.stderr}`);
    this.plotlyRenderer(false);
    this.port = await freePort();
    this.server = spawn(
      join(venv, "jupyter-lab"),
      [
        "--no-browser",
        "--allow-root",
        `--port=${this.port}`,
        "--ip=127.0.0.1",
        `--ServerApp.token=${this.token}`,
        `--ServerApp.root_dir=${this.notebooks}`,
        "--LabApp.expose_app_in_browser=True",
      ],
      { env: this.env, stdio: ["ignore", "ignore", "pipe"], detached: false },
    );
    let log = "";
    this.server.stderr?.on("data", (d) => {
      log = (log + String(d)).slice(-4000);
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const r = await fetch(`${this.base}/api/status?token=${this.token}`);
        if (r.ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline || this.server.exitCode !== null)
        throw new Error(`JupyterLab did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const browser = setupChromium().path!;
    this.browser = await chromium.launch({ executablePath: browser, args: ["--no-sandbox"] });
  }

  /** Switches the jupyterlab-plotly renderer on or off for pages loaded from now on. */
  plotlyRenderer(on: boolean): void {
    writeFileSync(
      join(this.dir, "config/labconfig/page_config.json"),
      JSON.stringify({
        // the package, and its mime renderer plugin (JupyterLab checks plugin ids)
        disabledExtensions: on
          ? {}
          : { "jupyterlab-plotly": true, "@jupyterlab/plotly-extension": true },
      }),
    );
  }

  /** A new page that reaches only this server (and file: URLs). */
  async page(): Promise<Page> {
    // tall enough that a screenshot shows the whole test notebook
    const ctx = await this.browser!.newContext({ viewport: { width: 1280, height: 2800 } });
    await ctx.route(/^https?:\/\//, (route) =>
      route.request().url().startsWith(this.base) ? route.continue() : route.abort(),
    );
    return ctx.newPage();
  }

  /** Opens a notebook in JupyterLab ("lab") or Notebook 7 ("notebook") and waits for its kernel. */
  async open(page: Page, file: string, ui: "lab" | "notebook" = "lab"): Promise<void> {
    // `reset`: open only this notebook, not the tabs the workspace remembers
    const path = ui === "lab" ? `lab/tree/${file}?reset&` : `notebooks/${file}?`;
    await page.goto(`${this.base}/${path}token=${this.token}`);
    await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 60_000 });
    if (ui === "lab") {
      await page.waitForFunction(
        () => {
          const w = (window as unknown as { jupyterapp?: LabApp }).jupyterapp?.shell?.currentWidget;
          return w?.sessionContext?.session?.kernel?.status === "idle";
        },
        undefined,
        { timeout: 60_000 },
      );
    }
  }

  /** Runs a JupyterLab command on the current notebook (after selecting cell `index`). */
  async command(page: Page, id: string, index?: number): Promise<void> {
    await page.evaluate(
      async ([id, index]) => {
        const app = (window as unknown as { jupyterapp: LabApp }).jupyterapp;
        const w = app.shell.currentWidget!;
        if (typeof index === "number") w.content.activeCellIndex = index;
        await app.commands.execute(id as string);
      },
      [id, index] as const,
    );
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => {});
    if (this.server && this.server.exitCode === null) {
      this.server.kill("SIGTERM");
      await new Promise((r) => {
        const t = setTimeout(() => {
          this.server?.kill("SIGKILL");
          r(undefined);
        }, 5000);
        this.server?.once("exit", () => {
          clearTimeout(t);
          r(undefined);
        });
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The bits of JupyterLab's app the tests touch. */
interface LabApp {
  shell: {
    currentWidget?: {
      content: { activeCellIndex: number };
      sessionContext?: { session?: { kernel?: { status: string } } };
    };
  };
  commands: { execute(id: string): Promise<unknown> };
}

/** A code-only notebook on the polytask kernel. */
export function notebookJson(cells: string[], extraMeta: Record<string, unknown> = {}): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: "polytask",
        display_name: "TypeScript (polytask)",
        language: "typescript",
      },
      language_info: { name: "typescript", file_extension: ".ts" },
      ...extraMeta,
    },
    cells: cells.map((source, i) => ({
      id: `cell-${i}`,
      cell_type: "code",
      execution_count: null,
      metadata: {},
      source,
      outputs: [],
    })),
  });
}
