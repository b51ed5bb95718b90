/**
 * The `polytask` command line: `demo`, `train <config.json>`, `sweep`, `data convert`, `export`,
 * `info`, `kernel install`, `native setup`, `native converter`. Each subcommand lives in its own
 * module (loaded only when run); this file dispatches. Every command and subcommand answers
 * `--help` (or `-h`) with its usage, and a bare group (`polytask kernel`) lists its
 * subcommands; the texts are in help.ts, except for the commands that print their own (train,
 * sweep, data convert: `ownHelp`).
 */
import { COMMANDS, commandHelp, groupCommands, groupHelp, mainHelp } from "./help.js";

type Runner = (args: string[]) => Promise<number>;

const RUN: Readonly<Record<string, Runner>> = {
  demo: async (a) => (await import("./demo.js")).demo(a),
  train: async (a) => (await import("./train.js")).trainCommand(a),
  sweep: async (a) => (await import("./sweep.js")).sweepCommand(a),
  "data convert": async (a) => (await import("./data.js")).dataCommand(["convert", ...a]),
  export: async (a) => (await import("./export.js")).exportCommand(a),
  info: async (a) => (await import("./info.js")).info(a),
  "kernel install": async (a) => {
    await (await import("./kernel.js")).kernelInstall(a);
    return 0;
  },
  "native setup": async (a) => {
    await (await import("./native.js")).nativeSetup(a);
    return 0;
  },
  "native converter": async (a) => (await import("./export.js")).converterCommand(a),
};

const wantsHelp = (args: readonly string[]) => args.includes("--help") || args.includes("-h");

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(mainHelp());
    return command === undefined ? 1 : 0;
  }
  if (groupCommands(command).length > 0) {
    const [sub, ...args] = rest;
    if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
      process.stdout.write(groupHelp(command));
      return sub === undefined ? 1 : 0;
    }
    const name = `${command} ${sub}`;
    if (!RUN[name]) {
      process.stderr.write(
        `polytask ${command}: unknown subcommand "${sub}"\n\n${groupHelp(command)}`,
      );
      return 2;
    }
    return dispatch(name, args);
  }
  if (!RUN[command]) {
    process.stderr.write(`polytask: unknown command "${argv.join(" ")}"\n\n${mainHelp()}`);
    return 2;
  }
  return dispatch(command, rest);
}

function dispatch(name: string, args: string[]): Promise<number> {
  if (wantsHelp(args) && COMMANDS[name] && !COMMANDS[name].ownHelp) {
    process.stdout.write(commandHelp(name));
    return Promise.resolve(0);
  }
  return (RUN[name] as Runner)(args);
}
