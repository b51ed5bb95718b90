#!/usr/bin/env node
/**
 * Entry point of the `polytask` executable. Exit status: 0 done, 2 bad input (a config, option,
 * name or data error: running again cannot help, so sweeps do not retry it), 1 anything else.
 */
import { ConfigError, DataError, PolytaskError, UnknownNameError } from "../errors.js";
import { main } from "./main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message =
      err instanceof PolytaskError ? err.message : ((err as Error)?.stack ?? String(err));
    process.stderr.write(`polytask: ${message}\n`);
    const input =
      err instanceof ConfigError || err instanceof UnknownNameError || err instanceof DataError;
    process.exitCode = input ? 2 : 1;
  },
);
