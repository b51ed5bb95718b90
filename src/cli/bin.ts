#!/usr/bin/env node
/** Entry point of the `polytask` executable. */
import { PolytaskError } from "../errors.js";
import { main } from "./main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message =
      err instanceof PolytaskError ? err.message : ((err as Error)?.stack ?? String(err));
    process.stderr.write(`polytask: ${message}\n`);
    process.exitCode = 1;
  },
);
