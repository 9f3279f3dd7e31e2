#!/usr/bin/env node
import { main } from "./main.js";

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    // Anything that is not a RotkitError is a bug in rotkit, not bad input: say so loudly.
    process.stderr.write(`rotkit: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
