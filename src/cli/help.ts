/**
 * The command line's usage texts, in one light module (no TensorFlow.js import), so that
 * `polytask <command> --help` answers at once. `main.ts` prints them.
 */

export interface CommandHelp {
  /** One line: `train <config.json>`. */
  readonly usage: string;
  /** One line for the command list. */
  readonly summary: string;
  /** What `--help` prints below the usage line. */
  readonly details: string;
  /** The command prints its own `--help` (its module's usage text); `details` is unused. */
  readonly ownHelp?: boolean;
}

export const COMMANDS: Readonly<Record<string, CommandHelp>> = {
  demo: {
    usage: "demo [--quick] [--out DIR]",
    summary: "train the built-in two-task demo and print per-task metrics",
    details: `Trains a convolutional backbone shared by an MNIST digit classifier and a Fashion-MNIST
clothing classifier (uncertainty weighting, L2-SP) on the best backend, prints per-task
progress and test metrics, and writes an offline HTML report.

  --quick     small sizes, finishes in seconds (also POLYTASK_QUICK=1)
  --out DIR   where report.html goes (default runs/demo, or runs/demo-quick with --quick)`,
  },
  train: {
    usage:
      "train <config.json> [--resume] [--checkpoint-every N] [--metrics F.csv] [--result F.json]",
    summary: "train from a JSON config; writes a checkpoint and an HTML report",
    details: "",
    ownHelp: true,
  },
  sweep: {
    usage: "sweep <sweep.json> [--engine local|ray] [--workers N]",
    summary: "run a grid or random search of train runs",
    details: "",
    ownHelp: true,
  },
  "data convert": {
    usage: "data convert <source> --out DIR [options]",
    summary: "write Parquet shards for datasets.fromParquet",
    details: "",
    ownHelp: true,
  },
  export: {
    usage: "export <run-dir> <out-dir> [--format tfjs-layers|tfjs-graph|savedmodel]",
    summary: "export a saved run for inference without polytask",
    details: `Loads the checkpoint in <run-dir> (written by run.save or polytask train) and writes a model
plain TensorFlow.js loads, one output per task named after it:
  tfjs-layers (default)  model.json + weights.bin for tf.loadLayersModel
  tfjs-graph             a GraphModel for tf.loadGraphModel
  savedmodel             a TensorFlow SavedModel
The last two run TensorFlow.js's converter on the native TensorFlow (npx polytask native
setup); the converter is installed on first use (or by \`polytask native converter\`).`,
  },
  info: {
    usage: "info",
    summary: "print the backend polytask would use, and why",
    details:
      "Prints the backend useBackend() picks here, its patched kernels, and why each better backend was skipped.",
  },
  "kernel install": {
    usage: "kernel install [--user | --prefix DIR]",
    summary: 'install the "polytask" Jupyter kernel',
    details: `Writes the kernelspec "polytask" (TypeScript (polytask)) for Jupyter.
  --user        into the user's Jupyter data folder
  --prefix DIR  into DIR/share/jupyter/kernels (e.g. a virtual environment)
  (neither)     into the system-wide Jupyter data folder`,
  },
  "native setup": {
    usage: "native setup [--gpu] [--python PATH] [--tf-version VERSION] [--force]",
    summary: "build the native TensorFlow backend from the PyPI wheel",
    details: `Builds a real @tensorflow/tfjs-node(-gpu) 4.22.0 in .native/ from registry packages only
(details: scripts/native/README.md).
  --gpu               tensorflow[and-cuda] and tfjs-node-gpu (not verified on a GPU)
  --python PATH       Python 3.9+ with venv (default python3)
  --tf-version V      the TensorFlow wheel (default 2.21.0)
  --force             rebuild the addon`,
  },
  "native converter": {
    usage: "native converter",
    summary: "install TensorFlow.js's converter (export formats tfjs-graph, savedmodel)",
    details: `Installs tensorflowjs, tf-keras and TensorFlow's Python dependencies (about 200 MB from
PyPI) into .native/venv-export, sharing the TensorFlow of \`polytask native setup\` (run
that first). run.export(dir, { format: "tfjs-graph" | "savedmodel" }) does this on first use.`,
  },
};

/** The groups whose subcommands are the COMMANDS keys "<group> <sub>". */
export function groupCommands(group: string): string[] {
  return Object.keys(COMMANDS).filter((k) => k.startsWith(`${group} `));
}

export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  return `usage: polytask ${c.usage}\n\n${c.summary}.\n\n${c.details}\n`;
}

export function groupHelp(group: string): string {
  const subs = groupCommands(group);
  const width = Math.max(...subs.map((k) => COMMANDS[k].usage.length));
  const lines = subs.map((k) => `  ${COMMANDS[k].usage.padEnd(width)}  ${COMMANDS[k].summary}`);
  return `usage: polytask ${group} <subcommand>\n\nSubcommands:\n${lines.join("\n")}\n\nEach answers --help.\n`;
}

export function mainHelp(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return `usage: polytask <command>\n\nCommands:\n${lines.join("\n")}\n\nEvery command answers --help.\n`;
}
