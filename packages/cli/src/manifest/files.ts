import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { RotkitError } from "@rotkit/core";

// File I/O of the manifest commands: unreadable input is a usage-level error (INVALID_ARGUMENT, exit 2), and
// outputs are written whole or not at all (a signed envelope never ends up half-written over its input).

/** Largest file the manifest commands read (an envelope with integrated payloads, an image, a key). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * Reads a whole file; INVALID_ARGUMENT when it cannot be read or is too large.
 *
 * @example
 * ```ts
 * const envelope = readInput("update.suit", "envelope");
 * ```
 */
export function readInput(path: string, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new RotkitError("INVALID_ARGUMENT", `cannot read ${what} ${path}`, { cause: e });
  }
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new RotkitError("INVALID_ARGUMENT", `${what} ${path} is larger than ${MAX_INPUT_BYTES} bytes`);
  }
  return bytes;
}

/**
 * Writes `bytes` to `path` through a temporary file and a rename, so a reader never sees a partial file.
 *
 * @example
 * ```ts
 * writeOutput("update.suit", signed);
 * ```
 */
export function writeOutput(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    throw new RotkitError("INVALID_ARGUMENT", `cannot write ${path}`, { cause: e });
  }
}
