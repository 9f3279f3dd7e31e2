import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { type ByteSink, type ByteSource, type RandomReader, RotkitError } from "@rotkit/core";

// File-backed ends of the delta I/O seams (core io.ts), so `rotkit delta apply` streams like a device would: the
// old image is read where the applier asks, the patch is pulled in pieces, the new image is written as it comes.

function open(path: string, flags: string, what: string): number {
  try {
    return openSync(path, flags);
  } catch (e) {
    throw new RotkitError("INVALID_ARGUMENT", `cannot open ${what} ${path}`, { cause: e });
  }
}

/** A RandomReader over a file. */
export interface FileReader extends RandomReader {
  close(): void;
}

/**
 * Random-access reads of `path`.
 *
 * @example
 * ```ts
 * const old = fileReader("old.bin", "old image");
 * ```
 */
export function fileReader(path: string, what: string): FileReader {
  const fd = open(path, "r", what);
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const out = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, out, got, length - got, offset + got);
        if (n === 0) throw new RotkitError("INVALID_ARGUMENT", `${what} ${path} ends early at ${offset + got}`);
        got += n;
      }
      return out;
    },
    close: () => closeSync(fd),
  };
}

/**
 * Pulls `path` from byte `start` on, in reads of at most 64 KiB.
 *
 * @example
 * ```ts
 * const patch = fileSource("update.rkd", "patch");
 * ```
 */
export function fileSource(path: string, what: string, start = 0): ByteSource & { close(): void } {
  const fd = open(path, "r", what);
  let at = start;
  const buf = new Uint8Array(65536);
  return {
    read(max) {
      const n = readSync(fd, buf, 0, Math.min(max, buf.length), at);
      at += n;
      return buf.subarray(0, n);
    },
    close: () => closeSync(fd),
  };
}

/** A ByteSink into a file, positioned at `start` (the file is cut there first). */
export interface FileSink extends ByteSink {
  readonly written: number;
  /** Flushes the file to storage (before a checkpoint that says the bytes are there). */
  sync(): void;
  close(): void;
}

/**
 * Writes `path` from byte `start` on (0: a new file).
 *
 * @example
 * ```ts
 * const out = fileSink("new.bin", 0);
 * ```
 */
export function fileSink(path: string, start: number): FileSink {
  const fd = open(path, start === 0 ? "w" : "r+", "output");
  ftruncateSync(fd, start);
  let at = start;
  return {
    get written() {
      return at - start;
    },
    write(chunk) {
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done, at + done);
      at += chunk.length;
    },
    sync: () => fsyncSync(fd),
    close: () => closeSync(fd),
  };
}
