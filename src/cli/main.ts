/**
 * The `polytask` command line: `demo`, `train <config.json>`, `sweep`, `data convert`, `info`,
 * `kernel install`, `native setup`. Each subcommand lives in its own module; this file only
 * dispatches.
 */
const USAGE = `polytask <command>

Commands:
  demo [--quick]                       train the built-in two-task demo and print per-task metrics
  train <config.json> [--resume ...]   train from a JSON config (see README, "polytask train")
  sweep <sweep.json> [--engine E]      run a grid/random search of train runs (engines: local, ray)
  data convert <source> --out DIR      write Parquet shards for datasets.fromParquet
  info                                 print the backend polytask would use, and why
  kernel install [--user|--prefix DIR] install the "polytask" Jupyter kernel
  native setup [--gpu] [--python PATH] build the native TensorFlow backend from the PyPI wheel
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "demo":
      return (await import("./demo.js")).demo(rest);
    case "train":
      return (await import("./train.js")).trainCommand(rest);
    case "sweep":
      return (await import("./sweep.js")).sweepCommand(rest);
    case "data":
      return (await import("./data.js")).dataCommand(rest);
    case "info":
      return (await import("./info.js")).info(rest);
    case "kernel":
      if (rest[0] !== "install") break;
      await (await import("./kernel.js")).kernelInstall(rest.slice(1));
      return 0;
    case "native":
      if (rest[0] !== "setup") break;
      await (await import("./native.js")).nativeSetup(rest.slice(1));
      return 0;
    case undefined:
    case "-h":
    case "--help":
    case "help":
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
  }
  process.stderr.write(`polytask: unknown command "${argv.join(" ")}"\n\n${USAGE}`);
  return 2;
}
